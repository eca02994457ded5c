package dev.forge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forge.config.DatabaseUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up shortcut past Flyway: taken only for a schema at this build's version with no failed migration. */
class SchemaVersionTest {

    @TempDir
    Path dir;

    @Test
    void theVersionTheShortcutExpectsIsTheNewestMigrationShipped() throws Exception {
        Pattern version = Pattern.compile("V(\\d+)__.*\\.sql");
        int newest;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            newest = files.map(f -> version.matcher(f.getFileName().toString())).filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElseThrow();
        }
        assertThat(Database.SCHEMA_VERSION).isEqualTo(Integer.toString(newest));
    }

    @Test
    void aFailedMigrationInTheHistoryStillGoesThroughFlyway() throws Exception {
        DatabaseUrl url = DatabaseUrl.parse("test", "sqlite:///" + dir.resolve("mcp.db"));
        try (Database db = Database.open(url, false)) {
            int applied = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM flyway_schema_history WHERE success = 1")
                    .mapTo(Integer.class).one());
            assertThat(applied).isGreaterThanOrEqualTo(6);
        }
        try (Database again = Database.open(url, false)) { // the shortcut: the schema is as this build expects
            int gateways = again.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM gateways").mapTo(Integer.class).one());
            assertThat(gateways).isZero();
        }
        try (Database db = Database.open(url, false)) {
            db.jdbi().useHandle(h -> h.execute("UPDATE flyway_schema_history SET success = 0 WHERE version = '3'"));
        }
        assertThatThrownBy(() -> Database.open(url, false)).hasMessageContaining("failed");
    }
}

package dev.forge.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.config.DatabaseUrl;
import dev.forge.support.TestGateways;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The tool router's vectors in the registry, on a SQLite file and on the real PostgreSQL server. */
class VectorRepositoryTest {

    static final float[] ONE = {0.6f, -0.8f, 0f, 1e-7f};
    static final float[] TWO = {1f, 0f, 0f, 0f};

    void storesFindsAndDropsWhatIsNoLongerUsed(Database database) {
        Instant now = Instant.parse("2026-11-30T12:00:00Z");
        VectorRepository vectors = new VectorRepository(database, Clock.fixed(now, ZoneOffset.UTC));
        vectors.save("m", Map.of("a", ONE, "b", TWO));
        vectors.save("m", Map.of("a", TWO)); // the same key is the same text: the first row stays
        Map<String, float[]> found = vectors.find(List.of("a", "b", "c"));
        assertThat(found.keySet()).containsExactlyInAnyOrder("a", "b");
        assertThat(found.get("a")).containsExactly(ONE);
        // eight days later only "a" is still in a catalog: "b" is dropped
        VectorRepository later = new VectorRepository(database, Clock.fixed(now.plus(Duration.ofDays(8)), ZoneOffset.UTC));
        later.used(List.of("a"));
        assertThat(later.find(List.of("a", "b")).keySet()).containsExactly("a");
        assertThat(later.count()).isEqualTo(1);
    }

    @Test
    void onSqlite() throws Exception {
        storesFindsAndDropsWhatIsNoLongerUsed(Database.open(TestGateways.freshDatabase(), false));
    }

    @Test
    void onPostgres() throws Exception {
        String schema = "forge_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        PostgresRegistryRepositoryTest.execute("CREATE SCHEMA " + schema);
        try (Database database = Database.open(DatabaseUrl.parse("DATABASE_URL",
                "postgresql://postgres@127.0.0.1:5432/test?currentSchema=" + schema), false)) {
            storesFindsAndDropsWhatIsNoLongerUsed(database);
        } finally {
            PostgresRegistryRepositoryTest.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}

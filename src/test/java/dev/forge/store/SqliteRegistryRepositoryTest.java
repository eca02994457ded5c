package dev.forge.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.config.DatabaseUrl;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry contract on a real SQLite file. */
class SqliteRegistryRepositoryTest extends RegistryRepositoryContract {

    @TempDir
    Path dir;

    @Override
    Database openDatabase() {
        return Database.open(DatabaseUrl.parse("DATABASE_URL", "sqlite:///" + dir.resolve("data/mcp.db")), false);
    }

    @Test
    void theFileIsInWalModeWithReadableTableNames() throws Exception {
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data/mcp.db"));
             var statement = connection.createStatement()) {
            var mode = statement.executeQuery("PRAGMA journal_mode");
            mode.next();
            assertThat(mode.getString(1)).isEqualToIgnoringCase("wal");
            List<String> tables = new ArrayList<>();
            var rs = statement.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
            assertThat(tables).contains("gateways", "servers", "flyway_schema_history");
        }
    }

    @Test
    void skipMigrationsOnAnEmptyFileStillCreatesTheSchema() {
        try (Database fresh = Database.open(DatabaseUrl.parse("DATABASE_URL", "sqlite:///" + dir.resolve("other.db")), true)) {
            assertThat(new GatewayRepository(fresh, java.time.Clock.systemUTC(), SecretBox.of(null, false)).list()).isEmpty();
        }
    }
}

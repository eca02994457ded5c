package dev.forge.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forge.config.DatabaseUrl;
import java.sql.DriverManager;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The registry contract on the real PostgreSQL server (127.0.0.1:5432, database test), in a schema of its own. */
class PostgresRegistryRepositoryTest extends RegistryRepositoryContract {

    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    String schema;

    @Override
    Database openDatabase() throws Exception {
        schema = "forge_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("CREATE SCHEMA " + schema);
        return Database.open(DatabaseUrl.parse("DATABASE_URL",
                "postgresql://postgres@127.0.0.1:5432/test?currentSchema=" + schema), false);
    }

    @Override
    void dropDatabase() throws Exception {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    static void execute(String sql) throws Exception {
        try (var connection = DriverManager.getConnection(SERVER, "postgres", "");
             var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void skipMigrationsOnAnEmptyDatabaseIsRefusedWithAClearMessage() throws Exception {
        String empty = schema + "_empty";
        execute("CREATE SCHEMA " + empty);
        try {
            assertThatThrownBy(() -> Database.open(DatabaseUrl.parse("DATABASE_URL",
                    "postgresql://postgres@127.0.0.1:5432/test?currentSchema=" + empty), true))
                    .hasMessageContaining("SKIP_MIGRATIONS");
        } finally {
            execute("DROP SCHEMA IF EXISTS " + empty + " CASCADE");
        }
    }
}

package dev.forge.store;

import dev.forge.config.DatabaseUrl;
import java.util.UUID;

/** Sealed credentials on the real PostgreSQL server (127.0.0.1:5432, database test), in a schema of its own. */
class PostgresSecretSealingTest extends SecretSealingContract {

    String schema;

    @Override
    Database openDatabase() throws Exception {
        schema = "forge_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        PostgresRegistryRepositoryTest.execute("CREATE SCHEMA " + schema);
        return Database.open(DatabaseUrl.parse("DATABASE_URL",
                "postgresql://postgres@127.0.0.1:5432/test?currentSchema=" + schema), false);
    }

    @Override
    void dropDatabase() throws Exception {
        PostgresRegistryRepositoryTest.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
}

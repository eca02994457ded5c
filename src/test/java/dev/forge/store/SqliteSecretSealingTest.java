package dev.forge.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Sealed credentials in a real SQLite file. */
class SqliteSecretSealingTest extends SecretSealingContract {

    @TempDir
    Path dir;

    @Override
    Database openDatabase() {
        return Database.open(DatabaseUrl.parse("DATABASE_URL", "sqlite:///" + dir.resolve("mcp.db")), false);
    }
}

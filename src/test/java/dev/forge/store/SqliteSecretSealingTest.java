package dev.forge.store;

import dev.forge.config.DatabaseUrl;
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

    /** The bytes of the database file and its journals, as a backup or a stolen disk has them. */
    @Override
    String rawStorage() throws Exception {
        StringBuilder all = new StringBuilder();
        try (var files = java.nio.file.Files.list(dir)) {
            for (Path file : files.toList()) {
                all.append(new String(java.nio.file.Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }
}

package dev.forge.store;

import dev.forge.config.DatabaseUrl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.IntConsumer;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;

/**
 * Consistent copies of an SQLite registry while the gateway runs (SQLite's online backup, page by page), and
 * restoring one. PostgreSQL registries are backed up with PostgreSQL's own tools (see docs/OPERATIONS.md).
 */
public final class SqliteBackup {

    private SqliteBackup() {}

    private static Path fileOf(DatabaseUrl url) {
        if (url.kind() != DatabaseUrl.Kind.SQLITE) {
            throw new IllegalArgumentException("the registry is in PostgreSQL: back it up with pg_dump and restore "
                    + "with pg_restore (docs/OPERATIONS.md)");
        }
        return Path.of(url.jdbcUrl().substring("jdbc:sqlite:".length()));
    }

    /** Copies the live database to {@code target}, reporting percent done. */
    public static void backup(DatabaseUrl url, Path target, IntConsumer percentDone) throws SQLException {
        Path source = fileOf(url);
        if (!Files.exists(source)) {
            throw new IllegalArgumentException("no registry database at " + source);
        }
        try (Connection c = DriverManager.getConnection(url.jdbcUrl())) {
            c.unwrap(SQLiteConnection.class).getDatabase().backup("main", target.toAbsolutePath().toString(),
                    (remaining, total) -> percentDone.accept(total == 0 ? 100 : (int) (100L * (total - remaining) / total)));
        }
        check(target);
    }

    /**
     * Replaces the database with a backup (the gateway must be stopped), after checking the backup is sound. A
     * database too damaged to open is moved aside first — restoring is how one recovers from that — and the place it
     * went is returned.
     */
    public static Optional<Path> restore(DatabaseUrl url, Path backup, IntConsumer percentDone) throws SQLException, IOException {
        check(backup);
        Path live = fileOf(url);
        Optional<Path> damaged = Files.exists(live) && !opens(live) ? Optional.of(moveAside(live)) : Optional.empty();
        copyInto(url, backup, percentDone);
        check(live);
        return damaged;
    }

    /** False when SQLite cannot read the file as a database at all (overwritten, truncated, not SQLite). */
    private static boolean opens(Path file) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
             var st = c.createStatement()) {
            st.executeQuery("SELECT count(*) FROM sqlite_master").close();
            return true;
        } catch (SQLException e) {
            if (e.getErrorCode() == SQLiteErrorCode.SQLITE_NOTADB.code || e.getErrorCode() == SQLiteErrorCode.SQLITE_CORRUPT.code) {
                return false;
            }
            throw e;
        }
    }

    private static void copyInto(DatabaseUrl url, Path backup, IntConsumer percentDone) throws SQLException {
        try (Connection c = DriverManager.getConnection(url.jdbcUrl())) {
            c.unwrap(SQLiteConnection.class).getDatabase().restore("main", backup.toAbsolutePath().toString(),
                    (remaining, total) -> percentDone.accept(total == 0 ? 100 : (int) (100L * (total - remaining) / total)));
        }
    }

    /** Renames the database and its WAL files to {@code <name>.damaged-<millis>[-wal|-shm]}; returns the database's new path. */
    private static Path moveAside(Path live) throws IOException {
        String suffix = ".damaged-" + System.currentTimeMillis();
        Path moved = live.resolveSibling(live.getFileName() + suffix);
        for (String companion : new String[] {"-wal", "-shm"}) {
            Path file = live.resolveSibling(live.getFileName() + companion);
            if (Files.exists(file)) {
                Files.move(file, live.resolveSibling(live.getFileName() + suffix + companion));
            }
        }
        Files.move(live, moved);
        return moved;
    }

    /** The file is an intact SQLite database holding a Forge registry, or this throws saying which it is not. */
    static void check(Path file) throws SQLException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file: " + file);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
             var st = c.createStatement()) {
            var integrity = st.executeQuery("PRAGMA integrity_check");
            integrity.next();
            if (!"ok".equalsIgnoreCase(integrity.getString(1))) {
                throw new IllegalStateException(file + " failed SQLite's integrity check: " + integrity.getString(1));
            }
            var tables = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('gateways', 'servers')");
            tables.next();
            if (tables.getInt(1) != 2) {
                throw new IllegalArgumentException(file + " is not a Forge registry (no gateways and servers tables)");
            }
        }
    }
}

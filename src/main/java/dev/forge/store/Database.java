package dev.forge.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.forge.config.DatabaseUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's database: a pooled connection to SQLite (WAL mode, safe under concurrent readers and one writer)
 * or PostgreSQL, migrated by Flyway to the schema this build expects.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final DatabaseUrl url;
    private final HikariDataSource pool;
    private final Jdbi jdbi;

    private Database(DatabaseUrl url, HikariDataSource pool) {
        this.url = url;
        this.pool = pool;
        this.jdbi = Jdbi.create(pool);
    }

    /**
     * Opens the database and brings its schema up to date. With {@code skipMigrations} (a replica joining a
     * database another instance migrated) nothing is migrated, except that an embedded SQLite file with no schema
     * yet is migrated anyway: nothing else could ever do it.
     */
    public static Database open(DatabaseUrl url, boolean skipMigrations) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url.jdbcUrl());
        config.setPoolName("forge-db");
        if (url.kind() == DatabaseUrl.Kind.SQLITE) {
            createParentDirectory(url);
            config.setMaximumPoolSize(4);
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("synchronous", "NORMAL");
            config.addDataSourceProperty("busy_timeout", "10000");
            config.addDataSourceProperty("foreign_keys", "true");
        } else {
            config.setUsername(url.user());
            config.setPassword(url.password());
            config.setMaximumPoolSize(10);
        }
        HikariDataSource pool = new HikariDataSource(config);
        try {
            if (atSchemaVersion(pool)) {
                return new Database(url, pool); // the usual start: nothing to migrate, and Flyway is not even loaded
            }
            Flyway flyway = Flyway.configure().dataSource(pool).locations("classpath:db/migration").load();
            if (!skipMigrations) {
                flyway.migrate(); // reads what is applied itself: asking first (info) would read it all twice at start
            } else if (flyway.info().applied().length == 0) {
                if (url.kind() != DatabaseUrl.Kind.SQLITE) {
                    throw new IllegalStateException("the database has no Forge schema and SKIP_MIGRATIONS is set: "
                            + "start one instance without SKIP_MIGRATIONS first");
                }
                LOG.warn("SKIP_MIGRATIONS is set but {} has no schema yet; creating it (an embedded database has no other migrator)", url);
                flyway.migrate();
            }
            return new Database(url, pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** The newest migration in db/migration ({@code V7__…}); a test keeps the two in step. */
    static final String SCHEMA_VERSION = "7";

    /**
     * True when the schema history says this build's newest migration was applied and none failed: one query
     * instead of Flyway's start-up (a fifth of Forge's). Anything else — no history yet, an older schema, a failed
     * migration, an unreadable table — goes through Flyway as before.
     */
    private static boolean atSchemaVersion(javax.sql.DataSource pool) {
        try (java.sql.Connection c = pool.getConnection();
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rows = st.executeQuery("SELECT version, success FROM flyway_schema_history")) {
            boolean latest = false;
            while (rows.next()) {
                if (!rows.getBoolean("success")) {
                    return false;
                }
                latest |= SCHEMA_VERSION.equals(rows.getString("version"));
            }
            return latest;
        } catch (java.sql.SQLException e) {
            return false; // no history table yet, or another database than expected: Flyway decides
        }
    }

    private static void createParentDirectory(DatabaseUrl url) {
        Path file = Path.of(url.jdbcUrl().substring("jdbc:sqlite:".length()));
        Path parent = file.toAbsolutePath().getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create the directory for " + file + ": " + e.getMessage(), e);
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DatabaseUrl url() {
        return url;
    }

    @Override
    public void close() {
        pool.close();
    }
}

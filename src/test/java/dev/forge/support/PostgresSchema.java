package dev.forge.support;

import dev.forge.config.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A schema of its own in the local PostgreSQL for one test class's replicas (the first replica creates the registry's
 * tables in it, the others join), dropped with everything in it when the test is done.
 */
public final class PostgresSchema implements AutoCloseable {

    private final String name;

    private PostgresSchema(String name) {
        this.name = name;
    }

    /** A new schema named {@code prefix} and a random suffix. */
    public static PostgresSchema create(String prefix) throws SQLException {
        PostgresSchema schema = new PostgresSchema(prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        sql("CREATE SCHEMA " + schema.name);
        return schema;
    }

    /** The database URL a replica is given: the test database, this schema. */
    public DatabaseUrl url() {
        return DatabaseUrl.parse("test", "postgresql://postgres@127.0.0.1:5432/test?currentSchema=" + name);
    }

    @Override
    public void close() throws SQLException {
        sql("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }

    private static void sql(String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", null);
             Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}

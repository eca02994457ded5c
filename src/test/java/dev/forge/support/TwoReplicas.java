package dev.forge.support;

import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
import java.util.function.Function;

/**
 * Two replicas of one deployment in this JVM, sharing a PostgreSQL schema of their own (and whatever else their
 * configuration shares, Redis above all), for tests that send one request to each; closed with the schema.
 */
public final class TwoReplicas implements AutoCloseable {

    private final PostgresSchema schema;
    private Gateway a;
    private Gateway b;

    private TwoReplicas(PostgresSchema schema) {
        this.schema = schema;
    }

    /** Starts both on a new schema named after {@code prefix}; {@code config} is given the schema's database URL. */
    public static TwoReplicas start(String prefix, Function<dev.forge.config.DatabaseUrl, ForgeConfig> config) throws Exception {
        TwoReplicas replicas = new TwoReplicas(PostgresSchema.create(prefix));
        try {
            ForgeConfig both = config.apply(replicas.schema.url());
            replicas.a = TestGateways.start(both); // one after the other: the first creates the tables the other joins
            replicas.b = TestGateways.start(both);
            return replicas;
        } catch (Exception | Error e) {
            replicas.close();
            throw e;
        }
    }

    public Gateway a() {
        return a;
    }

    public Gateway b() {
        return b;
    }

    @Override
    public void close() throws Exception {
        try {
            if (b != null) b.close();
            if (a != null) a.close();
        } finally {
            schema.close();
        }
    }
}

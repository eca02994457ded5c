package dev.forge.cluster;

import dev.forge.config.DatabaseUrl;
import dev.forge.store.Database;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announcements over PostgreSQL's {@code LISTEN}/{@code NOTIFY}: the database every replica already shares carries
 * them, with nothing else to run. Listening holds a connection of its own, outside the pool (a pooled one would go
 * back still listening, its backend queueing notifications nobody reads); when it breaks it is opened again with a
 * growing pause, and the periodic reading covers what was missed meanwhile.
 */
public final class PostgresAnnouncements implements Announcements {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresAnnouncements.class);
    static final String CHANNEL = "forge_registry";
    private static final int WAIT_MS = 5_000;
    private static final long MAX_PAUSE_MS = 30_000;

    private final Database database;
    private final String self = UUID.randomUUID().toString();
    private volatile boolean closed;
    private volatile Connection listening;
    private Thread listener;

    public PostgresAnnouncements(Database database) {
        this.database = database;
    }

    @Override
    public void announce() {
        try {
            database.jdbi().useHandle(h -> h.createQuery("SELECT pg_notify(:channel, :from)")
                    .bind("channel", CHANNEL).bind("from", self).mapTo(String.class).findFirst());
        } catch (RuntimeException e) {
            LOG.warn("could not announce a registry change to the other replicas (they will read it within {} s): {}",
                    RegistrySync.PERIOD.toSeconds(), e.getMessage());
        }
    }

    @Override
    public synchronized void listen(Runnable onChange) {
        if (listener != null) {
            throw new IllegalStateException("already listening");
        }
        // a platform thread of its own: it spends its life in the driver's blocking read, off every request's path
        listener = Thread.ofPlatform().daemon().name("forge-registry-listen").start(() -> listenUntilClosed(onChange));
    }

    private void listenUntilClosed(Runnable onChange) {
        long pause = 500;
        while (!closed) {
            DatabaseUrl url = database.url();
            java.util.Properties properties = new java.util.Properties();
            if (url.user() != null) {
                properties.setProperty("user", url.user());
            }
            if (url.password() != null) {
                properties.setProperty("password", url.password());
            }
            properties.setProperty("tcpKeepAlive", "true"); // a connection gone half-open is found out, not waited on forever
            try (Connection connection = DriverManager.getConnection(url.jdbcUrl(), properties)) {
                listening = connection;
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                if (pause > 500) {
                    LOG.info("listening for registry changes again");
                    onChange.run(); // whatever was announced while the connection was down
                }
                pause = 500;
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] heard = pg.getNotifications(WAIT_MS);
                    if (heard != null && fromAnotherReplica(heard)) {
                        onChange.run();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn("listening for registry changes failed ({}); again in {} ms", e.getMessage(), pause);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException interrupted) {
                    return;
                }
                pause = Math.min(pause * 2, MAX_PAUSE_MS);
            } finally {
                listening = null;
            }
        }
    }

    private boolean fromAnotherReplica(PGNotification[] heard) {
        for (PGNotification notification : heard) {
            if (!self.equals(notification.getParameter())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String kind() {
        return "postgresql";
    }

    @Override
    public void close() {
        closed = true;
        Connection connection = listening;
        if (connection != null) {
            try {
                connection.close(); // ends the driver's wait at once
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        Thread thread = listener;
        if (thread != null) {
            thread.interrupt();
        }
    }
}

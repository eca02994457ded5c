package dev.forge.store;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Redis client of a process ({@code REDIS_URL}): shared rate-limit buckets draw on it, and replicas tell each
 * other about token revocations through it. Connections are opened lazily and re-established by the client.
 */
public final class RedisLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);

    private final RedisClient client;
    private final AtomicReference<StatefulRedisConnection<String, String>> publisher = new AtomicReference<>();
    /** Waited for (briefly) at close, so a command-line revocation is not lost when the process ends. */
    private volatile CompletableFuture<Long> lastPublish = CompletableFuture.completedFuture(0L);
    private static final int ORDERED_BACKLOG = 10_000;
    /** Ends an ordered subscription's reader (compared by identity). */
    private static final String END = new String("end");
    private final java.util.List<java.util.concurrent.BlockingQueue<String>> orderedBacklogs = new java.util.concurrent.CopyOnWriteArrayList<>();

    public RedisLink(URI redisUrl, Duration connectTimeout) {
        RedisURI uri = RedisURI.create(redisUrl);
        uri.setTimeout(connectTimeout);
        this.client = RedisClient.create(uri);
    }

    public RedisClient client() {
        return client;
    }

    /**
     * Calls {@code listener} (on a virtual thread, never on the client's I/O thread) with each message on
     * {@code channel}. Redis unreachable now: a warning, and false; the caller keeps its slower path.
     */
    public boolean subscribe(String channel, Consumer<String> listener) {
        try {
            StatefulRedisPubSubConnection<String, String> connection = client.connectPubSub();
            connection.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String from, String message) {
                    if (from.equals(channel)) {
                        Thread.ofVirtual().name("redis-" + channel).start(() -> listener.accept(message));
                    }
                }
            });
            connection.sync().subscribe(channel);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("cannot subscribe to {} on Redis: {}", channel, e.getMessage());
            return false;
        }
    }

    /**
     * Like {@link #subscribe}, but messages are handed on one at a time in the order they came, by one virtual thread
     * of the subscription's own (for streams of messages whose order matters). At most {@value #ORDERED_BACKLOG}
     * wait; beyond that the newest are dropped, with a warning.
     */
    public boolean subscribeInOrder(String channel, Consumer<String> listener) {
        java.util.concurrent.BlockingQueue<String> backlog = new java.util.concurrent.LinkedBlockingQueue<>(ORDERED_BACKLOG);
        orderedBacklogs.add(backlog);
        Thread.ofVirtual().name("redis-" + channel).start(() -> {
            try {
                for (String message = backlog.take(); message != END; message = backlog.take()) {
                    try {
                        listener.accept(message);
                    } catch (RuntimeException e) {
                        LOG.warn("a message on {} could not be handled: {}", channel, e.getMessage());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            StatefulRedisPubSubConnection<String, String> connection = client.connectPubSub();
            connection.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String from, String message) {
                    if (from.equals(channel) && !backlog.offer(message)) {
                        LOG.warn("{} messages on {} wait already: one dropped", ORDERED_BACKLOG, channel);
                    }
                }
            });
            connection.sync().subscribe(channel);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("cannot subscribe to {} on Redis: {}", channel, e.getMessage());
            return false;
        }
    }

    /** Publishes without waiting; a failure is a warning (whoever missed it catches up by polling). */
    public void publish(String channel, String message) {
        try {
            StatefulRedisConnection<String, String> connection = publisher.get();
            if (connection == null) {
                StatefulRedisConnection<String, String> fresh = client.connect();
                if (!publisher.compareAndSet(null, fresh)) {
                    fresh.close();
                }
                connection = publisher.get();
            }
            lastPublish = connection.async().publish(channel, message).toCompletableFuture().exceptionally(e -> {
                LOG.warn("publishing to {} on Redis failed: {}", channel, e.getMessage());
                return 0L;
            });
        } catch (RuntimeException e) {
            LOG.warn("publishing to {} on Redis failed: {}", channel, e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            lastPublish.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("a message to Redis was still pending at close: {}", e.toString());
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        orderedBacklogs.forEach(backlog -> {
            backlog.clear();
            backlog.offer(END);
        });
    }
}

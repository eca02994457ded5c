package dev.forge.auth;

import dev.forge.store.RedisLink;
import dev.forge.store.TokenRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deny list of revoked token ids, held in memory for the hot path and reloaded from the database on every
 * local revocation and periodically, so a revocation made on another replica takes effect within the period — at
 * once when replicas share Redis: a revocation is announced on {@link #CHANNEL} and every listener reloads.
 */
public final class Revocations {

    private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);
    public static final Duration RELOAD_PERIOD = Duration.ofSeconds(15);
    private static final String CHANNEL = "forge:token-revocations";

    private final TokenRepository tokens;
    private volatile Set<String> revoked;
    private volatile Consumer<String> announce = jti -> { };

    public Revocations(TokenRepository tokens) {
        this.tokens = tokens;
        this.revoked = tokens.revokedIds();
    }

    public boolean revoked(String jti) {
        return revoked.contains(jti);
    }

    public void revoke(String jti, Instant expiresAt, String by) {
        tokens.revoke(jti, expiresAt, by);
        reload();
        announce.accept(jti);
    }

    /** Revocations made here are announced on Redis, after they are stored. */
    public void announceOn(RedisLink redis) {
        this.announce = jti -> redis.publish(CHANNEL, jti);
    }

    /** Revocations announced on Redis by other processes take effect here at once (not at the next reload). */
    public void listenOn(RedisLink redis) {
        redis.subscribe(CHANNEL, jti -> reload());
    }

    public void reload() {
        revoked = tokens.revokedIds();
    }

    public void reloadEvery(ScheduledExecutorService scheduler) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                reload();
            } catch (RuntimeException e) {
                LOG.warn("reloading revoked tokens failed; keeping the previous list: {}", e.getMessage());
            }
        }, RELOAD_PERIOD.toMillis(), RELOAD_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }
}

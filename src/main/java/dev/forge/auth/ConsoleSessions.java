package dev.forge.auth;

import dev.forge.store.RedisLink;
import java.time.Clock;
import java.time.Duration;

/**
 * The console's sign-ins: a browser that signed in with a token or the basic-auth password holds an unguessable
 * cookie standing for that credential. Each request with the cookie is checked as if it carried the credential itself
 * (so a revoked or expired token ends the sign-in at once), and the cookie never holds anything a thief could use
 * elsewhere. A sign-in ends after {@link #IDLE} without a person's request (a page's own refreshes do not count) and
 * after {@link #LIFETIME} whatever happens. Kept in this process ({@link LocalSignIns}), or with {@code REDIS_URL} in
 * Redis, so that replicas behind a balancer that is not sticky all know it ({@link RedisSignIns}).
 */
public final class ConsoleSessions {

    public static final String COOKIE = "forge_console";
    static final Duration IDLE = Duration.ofHours(8);
    static final Duration LIFETIME = Duration.ofHours(24);
    static final int MAX = 10_000;
    /** Sign-ins of one credential at once: a flood of them cannot push everyone else's out. */
    static final int PER_CREDENTIAL = 20;

    private final SignInStore store;

    /** Sign-ins of this process alone. */
    public ConsoleSessions(Clock clock) {
        this.store = new LocalSignIns(clock);
    }

    /** Sign-ins shared by every replica that uses this Redis. */
    public ConsoleSessions(Clock clock, RedisLink redis) {
        this.store = new RedisSignIns(redis, clock);
    }

    /**
     * Starts a sign-in for a credential already checked; the result is the cookie's value.
     *
     * @throws IllegalStateException when the sign-ins the replicas share cannot be stored (Redis unreachable)
     */
    public String open(String authorization) {
        return store.open(authorization);
    }

    /**
     * The credential a cookie stands for, or null when it stands for none (unknown, signed out, idle or open too
     * long). {@code byAPerson}: a request someone made, which keeps the sign-in alive; a page's refresh does not.
     */
    String authorization(String cookie, boolean byAPerson) {
        return store.authorization(cookie, byAPerson);
    }

    /** Ends a sign-in; false when it could not be ended at once (it is tried again, and lapses when idle anyway). */
    public boolean close(String cookie) {
        return store.close(cookie);
    }
}

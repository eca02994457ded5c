package dev.forge.ratelimit;

/** A per-key budget of requests per minute. Answers in nanoseconds to wait: 0 means go ahead. */
public interface RateLimiter {

    /** No limit at all ({@code RATE_LIMIT_PER_MINUTE=0}). */
    RateLimiter UNLIMITED = new RateLimiter() {
        @Override
        public long tryAcquire(String key, int requests) {
            return 0;
        }

        @Override
        public long waitNanos(String key) {
            return 0;
        }
    };

    /** Takes one request from the key's budget; if there is none left, takes nothing and says how long to wait. */
    default long tryAcquire(String key) {
        return tryAcquire(key, 1);
    }

    /**
     * Takes {@code requests} from the key's budget at once, or nothing if they are not all there (the entries of a
     * batch); a count larger than the whole budget waits forever ({@link Long#MAX_VALUE}).
     */
    long tryAcquire(String key, int requests);

    /** How long until the key could make one request, without using any budget. */
    long waitNanos(String key);
}

package dev.forge.ratelimit;

/** A per-key budget of requests per minute. Answers in nanoseconds to wait: 0 means go ahead. */
public interface RateLimiter {

    /** No limit at all ({@code RATE_LIMIT_PER_MINUTE=0}). */
    RateLimiter UNLIMITED = new RateLimiter() {
        @Override
        public long tryAcquire(String key) {
            return 0;
        }

        @Override
        public long waitNanos(String key) {
            return 0;
        }
    };

    /** Takes one request from the key's budget; if there is none left, takes nothing and says how long to wait. */
    long tryAcquire(String key);

    /** How long until the key could make one request, without using any budget. */
    long waitNanos(String key);
}

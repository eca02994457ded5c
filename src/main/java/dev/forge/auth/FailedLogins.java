package dev.forge.auth;

/**
 * The budget of wrong credentials per client address. A rate limiter backs it (in Redis when replicas share one);
 * the access guard only needs these two questions, so auth does not depend on the rate-limit package.
 */
public interface FailedLogins {

    /** Nanoseconds until this key may present a credential again; 0 means go ahead. Uses no budget. */
    long waitNanos(String key);

    /** Counts one wrong credential against this key. */
    void count(String key);
}

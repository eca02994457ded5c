package dev.forge.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets (Bucket4j): {@code perMinute} requests, the whole budget restored each minute, so the request
 * after the budget within a minute is refused. Buckets live in this process, or in Redis when replicas must share
 * them. If Redis cannot be reached the request is let through (fail open) and the failure is logged: a rate limit
 * must not take the gateway down with it.
 */
public final class BucketRateLimiter implements RateLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(BucketRateLimiter.class);
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final Function<String, Bucket> buckets;
    private final String name;
    private volatile long lastFailureLog;

    private BucketRateLimiter(String name, Function<String, Bucket> buckets) {
        this.name = name;
        this.buckets = buckets;
    }

    static BucketConfiguration perMinute(int limit) {
        return BucketConfiguration.builder()
                .addLimit(l -> l.capacity(limit).refillIntervally(limit, WINDOW))
                .build();
    }

    /** Buckets in this process; idle keys are forgotten after two windows, and at most 100,000 are kept. */
    public static RateLimiter local(String name, int perMinute) {
        if (perMinute <= 0) {
            return UNLIMITED;
        }
        BucketConfiguration configuration = perMinute(perMinute);
        Cache<String, Bucket> cache = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(WINDOW.multipliedBy(2)).build();
        return new BucketRateLimiter(name, key -> cache.get(key, k -> Bucket.builder().addLimit(
                configuration.getBandwidths()[0]).build()));
    }

    /** Buckets in Redis, shared by every replica that uses the same Redis and limit name. */
    public static RateLimiter shared(String name, int perMinute, RedisBuckets redis) {
        if (perMinute <= 0) {
            return UNLIMITED;
        }
        BucketConfiguration configuration = perMinute(perMinute);
        // the handles are kept (like local buckets): each carries what it spent and has not settled with Redis yet
        Cache<String, Bucket> cache = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(WINDOW.multipliedBy(2)).build();
        return new BucketRateLimiter(name, key -> cache.get(key, k -> redis.bucket(
                ("forge:rl:" + name + ":" + k).getBytes(StandardCharsets.UTF_8), configuration, perMinute)));
    }

    @Override
    public long tryAcquire(String key, int requests) {
        try {
            ConsumptionProbe probe = buckets.apply(key).tryConsumeAndReturnRemaining(requests);
            return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
        } catch (RuntimeException e) {
            failed(e);
            return 0;
        }
    }

    @Override
    public long waitNanos(String key) {
        try {
            EstimationProbe probe = buckets.apply(key).estimateAbilityToConsume(1);
            return probe.canBeConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
        } catch (RuntimeException e) {
            failed(e);
            return 0;
        }
    }

    private void failed(RuntimeException e) {
        long now = System.nanoTime();
        if (now - lastFailureLog > 10_000_000_000L) { // at most one line per 10 s while Redis is away
            lastFailureLog = now;
            LOG.warn("rate limit {} could not be checked, letting requests through: {}", name, e.toString());
        }
    }
}

package dev.forge.ratelimit;

import dev.forge.store.RedisLink;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import java.time.Duration;

/** Rate-limit buckets kept in Redis ({@code REDIS_URL}) so that every replica draws on the same budget. */
public final class RedisBuckets {

    private static final Duration SETTLE_AFTER = Duration.ofMillis(100);

    private final ProxyManager<byte[]> buckets;

    public RedisBuckets(RedisLink redis) {
        this.buckets = Bucket4jLettuce.casBasedBuilder(redis.client())
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .build();
    }

    /**
     * A replica's handle on one shared bucket. Keep it: with a limit of 100 a minute or more, it spends up to 1 % of
     * the limit locally and settles with Redis when that is used up or 100 ms have passed, instead of a Redis round
     * trip per request (each replica may overspend the shared budget by that 1 % at most). Smaller limits are exact.
     */
    Bucket bucket(byte[] key, BucketConfiguration configuration, int perMinute) {
        var builder = buckets.builder();
        if (perMinute >= 100) {
            builder = builder.withOptimization(Optimizations.delaying(new DelayParameters(perMinute / 100, SETTLE_AFTER)));
        }
        return builder.build(key, () -> configuration);
    }
}

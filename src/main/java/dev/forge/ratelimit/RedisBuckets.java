package dev.forge.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import dev.forge.store.RedisLink;
import java.time.Duration;

/** Rate-limit buckets kept in Redis ({@code REDIS_URL}) so that every replica draws on the same budget. */
public final class RedisBuckets {

    private final ProxyManager<byte[]> buckets;

    public RedisBuckets(RedisLink redis) {
        this.buckets = Bucket4jLettuce.casBasedBuilder(redis.client())
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .build();
    }

    Bucket bucket(byte[] key, BucketConfiguration configuration) {
        return buckets.builder().build(key, () -> configuration);
    }
}

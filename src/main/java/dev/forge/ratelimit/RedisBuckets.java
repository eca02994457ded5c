package dev.forge.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.net.URI;
import java.time.Duration;

/** Rate-limit buckets kept in Redis ({@code REDIS_URL}) so that every replica draws on the same budget. */
public final class RedisBuckets implements AutoCloseable {

    private final RedisClient client;
    private final ProxyManager<byte[]> buckets;

    public RedisBuckets(URI redisUrl, Duration connectTimeout) {
        RedisURI uri = RedisURI.create(redisUrl);
        uri.setTimeout(connectTimeout);
        this.client = RedisClient.create(uri);
        this.buckets = Bucket4jLettuce.casBasedBuilder(client)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .build();
    }

    Bucket bucket(byte[] key, BucketConfiguration configuration) {
        return buckets.builder().build(key, () -> configuration);
    }

    @Override
    public void close() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}

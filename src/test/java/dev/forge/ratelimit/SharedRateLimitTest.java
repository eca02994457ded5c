package dev.forge.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.store.RedisLink;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Two replicas drawing on one budget in the real Redis: each spends a little locally between its settlements with
 * Redis (that is what keeps Redis off every request), and together they never overspend by more than that.
 */
class SharedRateLimitTest {

    @Test
    void replicasShareOneBudgetAndOverspendItByAtMostOnePercentEach() {
        String name = "shared-test-" + System.nanoTime();
        int perMinute = 300; // each replica may spend up to 3 tokens before settling
        try (RedisLink one = new RedisLink(URI.create("redis://127.0.0.1:6379/0"), Duration.ofSeconds(5));
             RedisLink two = new RedisLink(URI.create("redis://127.0.0.1:6379/0"), Duration.ofSeconds(5))) {
            RateLimiter a = BucketRateLimiter.shared(name, perMinute, new RedisBuckets(one));
            RateLimiter b = BucketRateLimiter.shared(name, perMinute, new RedisBuckets(two));
            int admitted = 0;
            for (int i = 0; i < 2 * perMinute; i++) {
                if ((i % 2 == 0 ? a : b).tryAcquire("client", 1) == 0) {
                    admitted++;
                }
            }
            assertThat(admitted).as("admitted of %d asked, limit %d", 2 * perMinute, perMinute)
                    .isBetween(perMinute, perMinute + 2 * (perMinute / 100));
            assertThat(a.tryAcquire("client", 1)).as("the budget is spent for replica A too").isPositive();
            assertThat(b.tryAcquire("client", 1)).as("the budget is spent for replica B too").isPositive();
        }
    }
}

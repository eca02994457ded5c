package dev.forge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forge.store.RedisLink;
import dev.forge.support.TcpRelay;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The console's sign-ins in Redis: what holds, what ends them, and what a user gets while Redis cannot be reached. */
class RedisSignInsTest {

    @Test
    void aSignInHoldsForItsCookieAloneAndEndsWhenIdleTooLongOrOpenTooLong() throws Exception {
        Instant start = Instant.now();
        try (RedisLink link = new RedisLink(URI.create("redis://127.0.0.1:6379/0"), Duration.ofSeconds(5))) {
            // the same Redis read at other moments: a replica whose clock says so
            java.util.function.Function<Duration, ConsoleSessions> after = elapsed ->
                    new ConsoleSessions(Clock.fixed(start.plus(elapsed), ZoneOffset.UTC), link);
            ConsoleSessions signIns = after.apply(Duration.ZERO);
            String cookie = signIns.open("Bearer one");
            assertThat(signIns.authorization(cookie, true)).isEqualTo("Bearer one");
            assertThat(signIns.authorization(cookie.substring(0, 63) + (cookie.endsWith("0") ? "1" : "0"), true))
                    .as("another cookie").isNull();
            assertThat(signIns.authorization("not hex", true)).isNull();
            assertThat(after.apply(ConsoleSessions.IDLE.plusSeconds(1)).authorization(cookie, true)).as("idle for longer than 8 hours").isNull();

            String busy = signIns.open("Bearer two");
            for (int hour = 5; hour <= 25; hour += 5) { // used every 5 hours: never idle, but open for more than a day
                assertThat(after.apply(Duration.ofHours(hour)).authorization(busy, true)).as("after %d hours", hour)
                        .isEqualTo(hour < 24 ? "Bearer two" : null);
            }

            String ended = signIns.open("Bearer three");
            assertThat(signIns.close(ended)).isTrue();
            assertThat(signIns.authorization(ended, true)).as("signed out").isNull();
        }
    }

    @Test
    void whileRedisCannotBeReachedSigningInSaysSoAndASignOutIsCarriedOutOnceItIsBack() throws Exception {
        try (TcpRelay relay = new TcpRelay(6379);
             RedisLink link = new RedisLink(URI.create("redis://127.0.0.1:" + relay.port() + "/0"), Duration.ofSeconds(1))) {
            ConsoleSessions signIns = new ConsoleSessions(Clock.systemUTC(), link);
            String cookie = signIns.open("Bearer kept");
            assertThat(signIns.authorization(cookie, true)).isEqualTo("Bearer kept");

            relay.cut();
            assertThatThrownBy(() -> signIns.open("Bearer new")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Redis cannot be reached");
            assertThat(signIns.authorization(cookie, true)).as("unknown while Redis is away: the browser is asked to sign in").isNull();
            assertThat(signIns.close(cookie)).as("the sign-out could not be carried out yet").isFalse();

            relay.restore();
            String record = "forge:console:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(java.util.HexFormat.of().parseHex(cookie)));
            try (io.lettuce.core.RedisClient direct = io.lettuce.core.RedisClient.create("redis://127.0.0.1:6379/0");
                 var redis = direct.connect()) {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                        .until(() -> redis.sync().exists(record) == 0); // the sign-out, carried out once Redis is back
            }
            assertThat(signIns.authorization(cookie, true)).isNull();
            String again = signIns.open("Bearer again");
            assertThat(signIns.authorization(again, true)).isEqualTo("Bearer again");
        }
    }
}

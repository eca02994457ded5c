package dev.forge.config;

import java.time.Duration;

/**
 * What the service manager does with a local server beyond keeping it running.
 *
 * @param idleTimeout      put it to sleep (stop the process, keep its tools) after this long without a call;
 *                         {@link Duration#ZERO} for never
 * @param minUptime        never put it to sleep before it has run this long (the seed's {@code min_sleep_time}):
 *                         a server woken for one call is not stopped again at once
 * @param memoryLimitBytes stop it (and say why) when its process tree holds more than this; 0 for no limit
 */
public record Lifecycle(Duration idleTimeout, Duration minUptime, long memoryLimitBytes) {

    public static final Lifecycle NONE = new Lifecycle(Duration.ZERO, Duration.ZERO, 0);

    public boolean sleeps() {
        return !idleTimeout.isZero();
    }
}

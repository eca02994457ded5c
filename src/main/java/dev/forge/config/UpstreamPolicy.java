package dev.forge.config;

import java.time.Duration;
import java.util.Map;

/**
 * How Forge treats one upstream, whatever its transport.
 *
 * @param timeout             how long one request may take
 * @param toolTimeouts        per-tool overrides of {@code timeout}, by the tool's upstream name
 * @param sessionMode         one upstream session per client, or one for all
 * @param maxConcurrency      requests in flight at once before more are refused
 * @param healthCheckInterval how often the upstream is pinged; {@link Duration#ZERO} for never
 * @param lifecycle           sleeping when idle and memory limits (managed services)
 */
public record UpstreamPolicy(Duration timeout, Map<String, Duration> toolTimeouts, SessionMode sessionMode,
                             int maxConcurrency, Duration healthCheckInterval, Lifecycle lifecycle) {

    public static final int DEFAULT_MAX_CONCURRENCY = 128;
    public static final Duration DEFAULT_HEALTH_CHECK_INTERVAL = Duration.ofSeconds(30);

    public UpstreamPolicy {
        toolTimeouts = Map.copyOf(toolTimeouts);
    }

    public UpstreamPolicy(Duration timeout, Map<String, Duration> toolTimeouts, SessionMode sessionMode,
                          int maxConcurrency, Duration healthCheckInterval) {
        this(timeout, toolTimeouts, sessionMode, maxConcurrency, healthCheckInterval, Lifecycle.NONE);
    }

    public static UpstreamPolicy of(Duration timeout, SessionMode sessionMode) {
        return new UpstreamPolicy(timeout, Map.of(), sessionMode, DEFAULT_MAX_CONCURRENCY, DEFAULT_HEALTH_CHECK_INTERVAL);
    }

    /** The timeout for a call of this upstream tool (null: not a tool call). */
    public Duration timeoutFor(String tool) {
        return tool == null ? timeout : toolTimeouts.getOrDefault(tool, timeout);
    }

    public UpstreamPolicy withHealthCheckInterval(Duration interval) {
        return new UpstreamPolicy(timeout, toolTimeouts, sessionMode, maxConcurrency, interval, lifecycle);
    }

    public UpstreamPolicy withMaxConcurrency(int max) {
        return new UpstreamPolicy(timeout, toolTimeouts, sessionMode, max, healthCheckInterval, lifecycle);
    }

    public UpstreamPolicy withLifecycle(Lifecycle newLifecycle) {
        return new UpstreamPolicy(timeout, toolTimeouts, sessionMode, maxConcurrency, healthCheckInterval, newLifecycle);
    }
}

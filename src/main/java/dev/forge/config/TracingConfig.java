package dev.forge.config;

import java.time.Duration;
import java.util.Map;

/**
 * Where Forge sends its traces (OpenTelemetry, OTLP over HTTP), read from the standard {@code OTEL_*} variables.
 * Off unless {@code OTEL_EXPORTER_OTLP_ENDPOINT} (or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}) is set.
 *
 * @param tracesUrl     the full URL spans are posted to, or null for off
 * @param serviceName   {@code service.name} on every span ({@code OTEL_SERVICE_NAME}, default {@code forge})
 * @param headers       sent with each export ({@code OTEL_EXPORTER_OTLP_HEADERS}); often a collector's key, never logged
 * @param sampleRatio   the share of new traces recorded ({@code OTEL_TRACES_SAMPLER_ARG}); a client's sampled flag wins
 * @param exportDelay   how long spans wait to be sent in a batch ({@code OTEL_BSP_SCHEDULE_DELAY}, default 5 s)
 */
public record TracingConfig(String tracesUrl, String serviceName, Map<String, String> headers, double sampleRatio,
                            Duration exportDelay) {

    public static final TracingConfig OFF = new TracingConfig(null, "forge", Map.of(), 1.0, Duration.ofSeconds(5));

    public TracingConfig {
        headers = Map.copyOf(headers);
        if (sampleRatio < 0 || sampleRatio > 1) {
            throw new ConfigException("OTEL_TRACES_SAMPLER_ARG: " + sampleRatio + " (expected: a ratio from 0 to 1)");
        }
    }

    public boolean enabled() {
        return tracesUrl != null;
    }

    /** Exports to {@code url} (the full traces URL) at once: what tests use. */
    public static TracingConfig to(String url) {
        return new TracingConfig(url, "forge", Map.of(), 1.0, Duration.ofMillis(100));
    }
}

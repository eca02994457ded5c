package dev.forge.observe;

import dev.forge.upstream.Upstream;
import dev.forge.upstream.UpstreamState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/** Upstream state as gauges: one series per upstream and state, 1 for the current state. */
public final class UpstreamMetrics {

    private UpstreamMetrics() {}

    public static void register(MeterRegistry registry, List<Upstream> upstreams) {
        for (Upstream upstream : upstreams) {
            for (UpstreamState state : UpstreamState.values()) {
                Gauge.builder("forge.upstream.state", upstream, u -> u.state() == state ? 1 : 0)
                        .description("1 when the upstream is in this state")
                        .tag("upstream", upstream.name())
                        .tag("state", state.label())
                        .register(registry);
            }
            Gauge.builder("forge.upstream.tools", upstream, u -> u.lists().tools().size())
                    .description("Tools the upstream currently offers")
                    .tag("upstream", upstream.name())
                    .register(registry);
        }
    }
}

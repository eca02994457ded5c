package dev.forge.observe;

import dev.forge.upstream.Upstream;
import dev.forge.upstream.UpstreamState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Upstream state as gauges: one series per upstream and state (1 for the current state) and its tool count;
 * upstreams registered or removed while Forge runs gain or lose their series.
 */
public final class UpstreamMetrics {

    private final MeterRegistry registry;
    private final Map<String, List<Meter>> meters = new ConcurrentHashMap<>();

    public UpstreamMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void added(Upstream upstream) {
        List<Meter> own = new ArrayList<>();
        for (UpstreamState state : UpstreamState.values()) {
            own.add(Gauge.builder("forge.upstream.state", upstream, u -> u.state() == state ? 1 : 0)
                    .description("1 when the upstream is in this state")
                    .tag("upstream", upstream.name())
                    .tag("state", state.label())
                    .register(registry));
        }
        own.add(Gauge.builder("forge.upstream.tools", upstream, u -> u.lists().tools().size())
                .description("Tools the upstream currently offers")
                .tag("upstream", upstream.name())
                .register(registry));
        own.add(Gauge.builder("forge.upstream.client.processes", upstream, Upstream::clientProcesses)
                .description("Processes running for the upstream's per-client sessions")
                .tag("upstream", upstream.name())
                .register(registry));
        own.add(io.micrometer.core.instrument.FunctionCounter.builder("forge.upstream.client.process.refusals", upstream,
                        u -> u.clientProcessRefusals())
                .description("Per-client sessions refused a process for being over a cap")
                .tag("upstream", upstream.name())
                .register(registry));
        meters.put(upstream.name(), own);
    }

    public void removed(Upstream upstream) {
        List<Meter> own = meters.remove(upstream.name());
        if (own != null) {
            own.forEach(registry::remove);
        }
    }
}

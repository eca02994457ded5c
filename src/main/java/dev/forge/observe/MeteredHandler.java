package dev.forge.observe;

import dev.forge.dispatch.RoutedHandler;
import dev.forge.dispatch.ToolRoute;
import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import dev.forge.session.InFlight;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.node.ObjectNode;

/** Counts and times every MCP request by method and outcome. Meters are created once per method, not per call. */
public final class MeteredHandler implements RoutedHandler {

    /** Methods get their own series; anything else is counted as "other" so clients cannot explode cardinality. */
    private static final Set<String> KNOWN_METHODS = Set.of("initialize", "ping", "tools/list", "tools/call",
            "prompts/list", "prompts/get", "resources/list", "resources/read", "resources/templates/list",
            "resources/subscribe", "resources/unsubscribe", "completion/complete", "logging/setLevel", "tasks/get",
            "tasks/result", "tasks/cancel", "tasks/list");

    /** The per-upstream tool-call timer's name. */
    public static final String TOOL_CALLS = "forge.tool.calls";

    private final RoutedHandler inner;
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer[]> timers = new ConcurrentHashMap<>();
    /** Tool calls by the upstream that served them (the console's per-upstream figures); one pair per upstream. */
    private final ConcurrentHashMap<String, Timer[]> byUpstream = new ConcurrentHashMap<>();

    public MeteredHandler(RoutedHandler inner, MeterRegistry registry) {
        this.inner = inner;
        this.registry = registry;
    }

    @Override
    public CompletableFuture<ObjectNode> handle(ClientSession session, InFlight inFlight, Message.Request request,
                                                ToolRoute tool) {
        long start = System.nanoTime();
        Timer[] pair = timers.computeIfAbsent(KNOWN_METHODS.contains(request.method()) ? request.method() : "other", this::register);
        Timer[] upstream = tool.route() == null ? null : byUpstream.computeIfAbsent(tool.upstream(), this::registerUpstream);
        return inner.handle(session, inFlight, request, tool).whenComplete((response, failure) -> {
            boolean ok = failure == null && response != null && !response.has("error");
            long took = System.nanoTime() - start;
            pair[ok ? 0 : 1].record(took, java.util.concurrent.TimeUnit.NANOSECONDS);
            if (upstream != null) {
                upstream[ok ? 0 : 1].record(took, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        });
    }

    private Timer[] registerUpstream(String upstream) {
        return new Timer[] {upstreamTimer(upstream, "ok"), upstreamTimer(upstream, "error")};
    }

    /** With its p99 over the last minute, computed here: what the console shows an operator now. */
    private Timer upstreamTimer(String upstream, String outcome) {
        return Timer.builder(TOOL_CALLS)
                .description("tools/call by the upstream that served it, and outcome")
                .tag("upstream", upstream)
                .tag("outcome", outcome)
                .publishPercentiles(0.99)
                .distributionStatisticExpiry(java.time.Duration.ofMinutes(1))
                .distributionStatisticBufferLength(3)
                .register(registry);
    }

    private Timer[] register(String method) {
        return new Timer[] {timer(method, "ok"), timer(method, "error")};
    }

    private Timer timer(String method, String outcome) {
        return Timer.builder("forge.mcp.requests")
                .description("MCP requests handled, by method and outcome")
                .tag("method", method)
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry);
    }
}

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

    private final RoutedHandler inner;
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer[]> timers = new ConcurrentHashMap<>();

    public MeteredHandler(RoutedHandler inner, MeterRegistry registry) {
        this.inner = inner;
        this.registry = registry;
    }

    @Override
    public CompletableFuture<ObjectNode> handle(ClientSession session, InFlight inFlight, Message.Request request,
                                                ToolRoute tool) {
        long start = System.nanoTime();
        Timer[] pair = timers.computeIfAbsent(KNOWN_METHODS.contains(request.method()) ? request.method() : "other", this::register);
        return inner.handle(session, inFlight, request, tool).whenComplete((response, failure) -> {
            boolean ok = failure == null && response != null && !response.has("error");
            pair[ok ? 0 : 1].record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        });
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

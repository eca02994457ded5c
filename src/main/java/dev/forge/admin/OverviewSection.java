package dev.forge.admin;

import dev.forge.catalog.Federation;
import dev.forge.protocol.ProtocolVersions;
import dev.forge.router.ToolRouter;
import dev.forge.upstream.Upstream;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The console's first page: each upstream's state, era, transport, tools and its calls now (rate, errors, p99), the
 * service manager's services with their memory, and the tool router's index. Its tables are also served alone, for the page's script to refresh them every few seconds.
 */
public final class OverviewSection {

    /** One upstream, as the overview shows it; figures are null where there is nothing to show yet. */
    public record UpstreamRow(String name, String state, String era, String transport, int tools, String callsPerSecond,
                       String errorRatio, String p99, String lastError) {}

    /** The tool router, if this process runs it. */
    public record RouterRow(boolean present, int indexed, boolean byMeaning, String lastUpdate, long queries, String p95) {}

    private final Console console;
    private final Federation federation;
    private final UpstreamFigures figures;
    private final ToolRouter router;
    private final java.util.function.Supplier<List<ServicesSection.ServiceRow>> services;

    OverviewSection(Console console, Federation federation, UpstreamFigures figures, ToolRouter router,
                    java.util.function.Supplier<List<ServicesSection.ServiceRow>> services) {
        this.services = cachedBriefly(services);
        this.console = console;
        this.federation = federation;
        this.figures = figures;
        this.router = router;
    }

    void routes(RoutesConfig routes) {
        routes.get("/admin", ctx -> console.render(ctx, 200, "overview.jte", params(ctx)));
        routes.get("/admin/overview/tables", ctx -> console.render(ctx, 200, "overview-tables.jte", params(ctx)));
    }

    private Map<String, Object> params(Context ctx) {
        return Map.of("page", console.page(ctx, "Overview", "overview"), "upstreams", upstreams(), "router", router(),
                "services", services.get());
    }

    /**
     * The services, asked at most every few seconds: every open overview refreshes every 3 s, and a service manager in
     * another process is asked over HTTP.
     */
    private static java.util.function.Supplier<List<ServicesSection.ServiceRow>> cachedBriefly(
            java.util.function.Supplier<List<ServicesSection.ServiceRow>> services) {
        java.util.concurrent.atomic.AtomicReference<Asked> last = new java.util.concurrent.atomic.AtomicReference<>();
        return () -> {
            Asked seen = last.get();
            long now = System.nanoTime();
            if (seen != null && now - seen.atNanos() < 2_000_000_000L) {
                return seen.rows();
            }
            List<ServicesSection.ServiceRow> rows = services.get();
            last.set(new Asked(now, rows));
            return rows;
        };
    }

    private record Asked(long atNanos, List<ServicesSection.ServiceRow> rows) {}

    List<UpstreamRow> upstreams() {
        return federation.upstreams().stream().sorted(Comparator.comparing(Upstream::name)).map(this::row).toList();
    }

    private UpstreamRow row(Upstream u) {
        UpstreamFigures.Figures now = figures.of(u.name());
        String era = u.protocolVersion() == null ? "" : ProtocolVersions.isModern(u.protocolVersion()) ? "modern" : "legacy";
        return new UpstreamRow(u.name(), u.state().label(), era, u.transportKind(), u.lists().tools().size(),
                now.callsPerSecond() == null ? "–" : String.format("%.1f", now.callsPerSecond()),
                now.errorRatio() == null ? "–" : String.format("%.1f %%", 100 * now.errorRatio()),
                now.p99Millis() == null ? "–" : String.format("%.0f ms", now.p99Millis()),
                u.lastError() == null ? "" : u.lastError());
    }

    private RouterRow router() {
        if (router == null) {
            return new RouterRow(false, 0, false, "", 0, "");
        }
        return new RouterRow(true, router.indexSize(), router.rankingByMeaning(),
                router.lastUpdate() == null ? "not yet" : Console.when(router.lastUpdate()), router.queriesServed(),
                router.queriesServed() == 0 ? "–" : String.format("%.1f ms", router.latencyMillis(95)));
    }
}

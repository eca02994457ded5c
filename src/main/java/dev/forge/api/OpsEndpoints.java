package dev.forge.api;

import dev.forge.auth.Principal;
import dev.forge.catalog.Catalog;
import dev.forge.catalog.Federation;
import dev.forge.protocol.Json;
import dev.forge.protocol.ProtocolVersions;
import dev.forge.upstream.Upstream;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/** Liveness, readiness, version and metrics: what operators and orchestrators poll. */
public final class OpsEndpoints {

    private final Federation federation;
    private final PrometheusMeterRegistry prometheus;
    private final Clock clock;
    private final Instant started;
    private final String version;
    private final java.util.function.BooleanSupplier draining;
    private final java.util.function.Supplier<java.util.Map<String, java.util.Map<String, String>>> invalidEntries;

    public OpsEndpoints(Federation federation, PrometheusMeterRegistry prometheus, Clock clock, String version,
                        java.util.function.BooleanSupplier draining) {
        this(federation, prometheus, clock, version, draining, java.util.Map::of);
    }

    /**
     * {@code invalidEntries}: registry entries that could not be loaded, by registry ({@code gateways},
     * {@code rest_tools}, …), then by name, with why.
     */
    public OpsEndpoints(Federation federation, PrometheusMeterRegistry prometheus, Clock clock, String version,
                        java.util.function.BooleanSupplier draining,
                        java.util.function.Supplier<java.util.Map<String, java.util.Map<String, String>>> invalidEntries) {
        this.invalidEntries = invalidEntries;
        this.draining = draining;
        this.federation = federation;
        this.prometheus = prometheus;
        this.clock = clock;
        this.started = clock.instant();
        this.version = version;
    }

    /**
     * 200 while the process serves; {@code status} is degraded when an upstream is down. Anyone sees each upstream's
     * state; why it is down (errors, pids, counters, catalog problems) only a caller with {@code admin:read}.
     */
    public void health(Context ctx) {
        ObjectNode body = Json.object();
        boolean allReady = true;
        boolean detailed = Principal.of(ctx).mayRead();
        ObjectNode upstreams = Json.object();
        for (Upstream u : federation.upstreams()) {
            ObjectNode entry = upstreams.putObject(u.name());
            entry.put("status", u.state().label());
            if (!detailed) {
                allReady &= u.state().serves();
                continue;
            }
            entry.put("transport", u.transportKind());
            entry.put("since", u.since().toString());
            if (u.state().serves()) {
                entry.put("protocol_version", u.protocolVersion());
                entry.put("era", ProtocolVersions.isModern(u.protocolVersion()) ? "modern" : "legacy");
                entry.put("tools", u.lists().tools().size());
                entry.put("resources", u.lists().resources().size());
                entry.put("prompts", u.lists().prompts().size());
            } else {
                allReady = false;
            }
            if (u.lastError() != null) {
                entry.put("error", u.lastError());
            }
            u.lastCallFailure().ifPresent(f -> {
                ObjectNode failure = entry.putObject("last_failure");
                failure.put("at", f.at().toString());
                failure.put("reference", f.failure().reference());
                failure.put("failure", f.failure().kind().code());
                failure.put("detail", f.failure().getMessage());
            });
            entry.put("restarts", u.restarts());
            if (u.crashLoop()) {
                entry.put("crash_loop", true);
            }
            entry.put("circuit_breaker", u.breakerState());
            entry.put("calls_in_flight", u.callsInFlight());
            entry.put("client_sessions", u.clientSessions());
            Long pid = u.pid();
            if (pid != null) {
                entry.put("pid", pid);
            }
        }
        Catalog catalog = federation.catalog();
        // an entry that could not be loaded needs an operator even though everything that runs is fine
        java.util.Map<String, java.util.Map<String, String>> invalid = invalidEntries.get();
        allReady &= invalid.values().stream().allMatch(java.util.Map::isEmpty);
        body.put("status", allReady ? "healthy" : "degraded");
        body.put("version", version);
        body.put("uptime_seconds", Duration.between(started, clock.instant()).toSeconds());
        body.set("upstreams", upstreams);
        if (detailed) {
            invalid.forEach((registry, entries) -> {
                if (!entries.isEmpty()) {
                    ObjectNode section = body.putObject("invalid_" + registry);
                    entries.forEach((name, why) -> section.putObject(name).put("status", "invalid").put("error", why));
                }
            });
        }
        if (detailed && !catalog.problems().isEmpty()) {
            body.set("catalog_problems", Json.valueToTree(catalog.problems()));
        }
        ctx.contentType("application/json").result(Json.bytes(body));
    }

    /** 503 until every upstream has been tried once and the catalog is built, and again while shutting down. */
    public void ready(Context ctx) {
        boolean stopping = draining.getAsBoolean();
        boolean ready = federation.ready() && !stopping;
        ObjectNode body = Json.object();
        body.put("status", stopping ? "stopping" : ready ? "ready" : "starting");
        body.put("tools", federation.catalog().view(Catalog.ALL).tools().size());
        ctx.status(ready ? 200 : 503).contentType("application/json").result(Json.bytes(body));
    }

    public void version(Context ctx) {
        ObjectNode body = Json.object();
        body.put("name", "forge");
        body.put("version", version);
        body.set("mcp_protocol_versions", Json.valueToTree(ProtocolVersions.all()));
        body.put("java", Runtime.version().toString());
        ctx.contentType("application/json").result(Json.bytes(body));
    }

    /** The OpenAPI description of every endpoint, stamped with this build's version. */
    public void openApi(Context ctx) throws java.io.IOException {
        try (var in = OpsEndpoints.class.getResourceAsStream("openapi.json")) {
            ctx.contentType("application/json").result(in.readAllBytes());
        }
    }

    public void metrics(Context ctx) {
        if (prometheus == null) {
            ctx.status(404).result("metrics are disabled (PROMETHEUS_ENABLED=false)");
            return;
        }
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(prometheus.scrape());
    }
}

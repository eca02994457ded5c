package dev.forge.services;

import dev.forge.api.AdminApi;
import dev.forge.catalog.Federation;
import dev.forge.config.ConfigException;
import dev.forge.config.ConfigLoader;
import dev.forge.config.ServiceConfig;
import dev.forge.protocol.Json;
import dev.forge.upstream.LogRing;
import dev.forge.upstream.Upstream;
import dev.forge.upstream.UpstreamState;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The service manager's API: the managed services, their state and memory, lifecycle actions and their logs.
 * Each service's MCP endpoint is {@code /services/{name}/mcp} on the same port.
 */
public final class ServicesApi {

    private static final int DEFAULT_LOG_LINES = 200;

    private final Federation federation;
    private final ServiceSupervisor supervisor;
    private final ConfigLoader bodies;
    private final Duration defaultTimeout;
    private final Clock clock;

    public ServicesApi(Federation federation, ServiceSupervisor supervisor, Duration defaultTimeout, Clock clock) {
        this.federation = federation;
        this.supervisor = supervisor;
        this.bodies = ConfigLoader.forRequestBodies();
        this.defaultTimeout = defaultTimeout;
        this.clock = clock;
    }

    public void routes(RoutesConfig routes) {
        routes.get("/services", ctx -> {
            ArrayNode list = Json.array();
            supervisor.services().stream().sorted(Comparator.comparing(ServiceConfig::name)).forEach(s -> list.add(view(s)));
            AdminApi.json(ctx, 200, list);
        });
        routes.post("/services", this::register);
        routes.get("/services/{name}", ctx -> {
            ServiceConfig service = service(ctx);
            if (service != null) {
                AdminApi.json(ctx, 200, view(service));
            }
        });
        routes.delete("/services/{name}", ctx -> {
            ServiceConfig service = service(ctx);
            if (service == null) {
                return;
            }
            federation.remove(service.name());
            supervisor.forget(service.name());
            AdminApi.json(ctx, 200, Json.object().put("deleted", service.name()));
        });
        routes.get("/services/{name}/logs", this::logs);
        for (String action : java.util.List.of("start", "stop", "restart", "sleep", "wake")) {
            routes.post("/services/{name}/" + action, ctx -> act(ctx, action));
        }
    }

    private void act(Context ctx, String action) {
        ServiceConfig service = service(ctx);
        if (service == null) {
            return;
        }
        Upstream upstream = federation.find(service.name());
        switch (action) {
            case "start", "wake" -> upstream.wake();
            case "stop" -> upstream.halt("stopped by " + dev.forge.auth.Principal.of(ctx).subject());
            case "sleep" -> {
                if (!upstream.sleep("put to sleep by " + dev.forge.auth.Principal.of(ctx).subject())) {
                    AdminApi.error(ctx, 409, "conflict", "service " + service.name() + " is " + label(upstream.state())
                            + "; only a running service can sleep");
                    return;
                }
            }
            case "restart" -> {
                upstream.halt("restarting");
                upstream.wake();
            }
            default -> throw new IllegalArgumentException(action);
        }
        AdminApi.json(ctx, 202, view(service));
    }

    private void register(Context ctx) {
        JsonNode body;
        ServiceConfig service;
        try {
            body = Json.parse(ctx.bodyAsBytes());
        } catch (dev.forge.protocol.JsonRpcException e) { // not JSON at all: malformed, not out of range
            AdminApi.error(ctx, 400, "bad_request", e.getMessage());
            return;
        }
        try {
            service = bodies.service("body", body, defaultTimeout);
        } catch (ConfigException | dev.forge.protocol.JsonRpcException e) {
            AdminApi.error(ctx, 422, "invalid", e.getMessage());
            return;
        }
        if (federation.find(service.name()) != null) {
            AdminApi.error(ctx, 409, "conflict", "an upstream or service named '" + service.name() + "' already exists");
            return;
        }
        supervisor.manage(service);
        Upstream upstream = federation.add(service.upstream());
        if (service.autoStart()) {
            upstream.firstAttempt().orTimeout(service.upstream().policy().timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .exceptionally(e -> null).join();
        }
        AdminApi.json(ctx, 201, view(service));
    }

    private void logs(Context ctx) {
        ServiceConfig service = service(ctx);
        if (service == null) {
            return;
        }
        int limit = DEFAULT_LOG_LINES;
        String asked = ctx.queryParam("lines");
        if (asked != null) {
            try {
                limit = Math.max(1, Integer.parseInt(asked));
            } catch (NumberFormatException e) {
                AdminApi.error(ctx, 422, "invalid", "lines: '" + asked + "' (expected: a positive integer)");
                return;
            }
        }
        ArrayNode lines = Json.array();
        for (LogRing.Line line : federation.find(service.name()).logs().tail(limit)) {
            lines.addObject().put("at", line.at().toString()).put("stream", line.stream()).put("text", line.text());
        }
        AdminApi.json(ctx, 200, Json.object().put("service", service.name()).set("lines", lines));
    }

    /** The service the path names, or null after answering 404. */
    private ServiceConfig service(Context ctx) {
        String name = ctx.pathParam("name");
        ServiceConfig service = supervisor.service(name);
        if (service == null || federation.find(name) == null) {
            AdminApi.error(ctx, 404, "not_found", "no service named '" + name + "'");
            return null;
        }
        return service;
    }

    ObjectNode view(ServiceConfig service) {
        Upstream u = federation.find(service.name());
        ObjectNode view = Json.object();
        view.put("name", service.name());
        view.put("state", label(u.state()));
        view.put("since", u.since().toString());
        if (u.state() == UpstreamState.READY) {
            view.put("uptime_seconds", Duration.between(u.since(), clock.instant()).toSeconds());
        }
        Long pid = u.pid();
        if (pid != null) {
            view.put("pid", pid);
        }
        view.put("restarts", u.restarts());
        if (u.lastError() != null) {
            // why it is in this state: the last exit of a crashed or stopped one, why a sleeping one sleeps
            view.put(u.state() == UpstreamState.SLEEPING ? "reason" : "last_exit", u.lastError());
        }
        if (u.crashLoop()) {
            view.put("crash_loop", true);
        }
        view.put("memory_bytes", supervisor.memoryBytes(service.name()));
        var lifecycle = service.upstream().policy().lifecycle();
        if (lifecycle.memoryLimitBytes() > 0) {
            view.put("memory_limit_bytes", lifecycle.memoryLimitBytes());
        }
        if (service.cpu() > 0) {
            view.put("cpu", service.cpu());
        }
        view.put("auto_start", service.autoStart());
        if (lifecycle.sleeps()) {
            view.putObject("sleep_policy").put("idle_timeout_seconds", lifecycle.idleTimeout().toSeconds())
                    .put("min_sleep_time_seconds", lifecycle.minUptime().toSeconds());
        }
        view.put("tools", u.lists().tools().size());
        view.put("command", dev.forge.config.MaskedCommand.of(service.upstream().command()));
        view.put("mcp_url", "/services/" + service.name() + "/mcp");
        return view;
    }

    /** The words operators expect of a process: running, sleeping, starting, stopped, crashed. */
    static String label(UpstreamState state) {
        return switch (state) {
            case READY -> "running";
            case SLEEPING -> "sleeping";
            case CONNECTING -> "starting";
            case STOPPED -> "stopped";
            case FAILED -> "crashed";
        };
    }
}

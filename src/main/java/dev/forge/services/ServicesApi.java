package dev.forge.services;

import dev.forge.api.AdminApi;
import dev.forge.catalog.Federation;
import dev.forge.config.ConfigException;
import dev.forge.config.ConfigLoader;
import dev.forge.config.ServiceConfig;
import dev.forge.config.UnconfiguredService;
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
 * Each service's MCP endpoint is {@code /services/{name}/mcp} on the same port. The reads and the lifecycle actions
 * are also answered in-process ({@link ServiceControl}), for the console of a gateway running in the same process.
 */
public final class ServicesApi implements ServiceControl {

    private static final int DEFAULT_LOG_LINES = 200;
    /** The state of a service whose {@code ${VAR}}s are not all set. */
    public static final String NEEDS_CONFIGURATION = "needs-configuration";

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
        routes.get("/services", ctx -> answer(ctx, list()));
        routes.post("/services", this::register);
        routes.put("/services/{name}/environment", this::configure);
        routes.get("/services/{name}", ctx -> answer(ctx, describe(ctx.pathParam("name"))));
        routes.delete("/services/{name}", ctx -> {
            UnconfiguredService waiting = supervisor.unconfigured(ctx.pathParam("name"));
            if (waiting != null) {
                supervisor.forget(waiting.name());
                AdminApi.json(ctx, 200, Json.object().put("deleted", waiting.name()));
                return;
            }
            ServiceConfig service = service(ctx);
            if (service == null) {
                return;
            }
            federation.remove(service.name());
            supervisor.forget(service.name());
            AdminApi.json(ctx, 200, Json.object().put("deleted", service.name()));
        });
        routes.get("/services/{name}/logs", this::logs);
        for (String action : ACTIONS) {
            routes.post("/services/{name}/" + action, ctx -> answer(ctx, act(ctx.pathParam("name"), action,
                    dev.forge.auth.Principal.of(ctx).subject())));
        }
    }

    private static void answer(Context ctx, Answer answer) {
        AdminApi.json(ctx, answer.status(), answer.body());
    }

    @Override
    public Answer list() {
        java.util.TreeMap<String, ObjectNode> byName = new java.util.TreeMap<>();
        supervisor.services().forEach(s -> byName.put(s.name(), view(s)));
        supervisor.unconfigured().forEach(s -> byName.put(s.name(), view(s)));
        ArrayNode list = Json.array();
        byName.values().forEach(list::add);
        return new Answer(200, list);
    }

    @Override
    public Answer describe(String name) {
        UnconfiguredService waiting = supervisor.unconfigured(name);
        if (waiting != null) {
            return new Answer(200, view(waiting));
        }
        ServiceConfig service = service(name);
        return service == null ? notFound(name) : new Answer(200, view(service));
    }

    @Override
    public Answer act(String name, String action, String subject) {
        UnconfiguredService waiting = supervisor.unconfigured(name);
        if (waiting != null) {
            return error(409, "needs_configuration", needsConfiguration(waiting));
        }
        ServiceConfig service = service(name);
        if (service == null) {
            return notFound(name);
        }
        Upstream upstream = federation.find(service.name());
        switch (action) {
            case "start", "wake" -> upstream.wake();
            case "stop" -> upstream.halt("stopped by " + subject);
            case "sleep" -> {
                if (!upstream.sleep("put to sleep by " + subject)) {
                    return error(409, "conflict", "service " + service.name() + " is " + label(upstream.state())
                            + "; only a running service can sleep");
                }
            }
            case "restart" -> {
                upstream.halt("restarting");
                upstream.wake();
            }
            default -> {
                return error(404, "not_found", "no action '" + action + "' (expected: " + String.join(", ", ACTIONS) + ")");
            }
        }
        return new Answer(202, view(service));
    }

    @Override
    public Answer logs(String name, long after, int limit) {
        ServiceConfig service = service(name);
        if (service == null) {
            return notFound(name);
        }
        ArrayNode lines = Json.array();
        for (LogRing.Line line : federation.find(service.name()).logs().after(after, limit)) {
            lines.addObject().put("at", line.at().toString()).put("stream", line.stream()).put("text", line.text())
                    .put("seq", line.seq());
        }
        return new Answer(200, Json.object().put("service", service.name()).set("lines", lines));
    }

    private static Answer error(int status, String kind, String message) {
        return new Answer(status, Json.object().put("error", kind).put("message", message));
    }

    private static Answer notFound(String name) {
        return error(404, "not_found", "no service named '" + name + "'");
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
        if (federation.find(service.name()) != null || supervisor.unconfigured(service.name()) != null) {
            AdminApi.error(ctx, 409, "conflict", "an upstream or service named '" + service.name() + "' already exists");
            return;
        }
        supervisor.manage(service);
        Upstream upstream = federation.add(service.upstream(), service.autoStart());
        if (service.autoStart()) {
            upstream.firstAttempt().orTimeout(service.upstream().policy().timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .exceptionally(e -> null).join();
        }
        AdminApi.json(ctx, 201, view(service));
    }

    /**
     * {@code PUT /services/{name}/environment}: values for the variables a waiting service names; once none is
     * missing it becomes a service like the others (started now if {@code auto_start}). The values live in this
     * process: for the next start, put them in the environment or the env file.
     */
    private void configure(Context ctx) {
        UnconfiguredService waiting = supervisor.unconfigured(ctx.pathParam("name"));
        if (waiting == null) {
            ServiceConfig known = supervisor.service(ctx.pathParam("name"));
            if (known != null) {
                AdminApi.error(ctx, 409, "conflict", "service " + known.name() + " is configured already; its environment "
                        + "comes from services.yml");
            } else {
                AdminApi.error(ctx, 404, "not_found", "no service named '" + ctx.pathParam("name") + "'");
            }
            return;
        }
        java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
        try {
            JsonNode body = Json.parse(ctx.bodyAsBytes());
            if (!body.isObject()) {
                throw new ConfigException("body: expected an object of variable names to values, such as {\"" + waiting.missing().getFirst() + "\": \"…\"}");
            }
            for (var e : body.properties()) {
                if (!e.getValue().isString() || e.getValue().asString().isEmpty()) {
                    throw new ConfigException("body." + e.getKey() + ": expected a non-empty string");
                }
                values.put(e.getKey(), e.getValue().asString());
            }
        } catch (dev.forge.protocol.JsonRpcException e) {
            AdminApi.error(ctx, 400, "bad_request", e.getMessage());
            return;
        } catch (ConfigException e) {
            AdminApi.error(ctx, 422, "invalid", e.getMessage());
            return;
        }
        java.util.List<String> stillMissing = waiting.missing().stream().filter(v -> !values.containsKey(v)).toList();
        if (!stillMissing.isEmpty()) {
            AdminApi.error(ctx, 422, "invalid", "service " + waiting.name() + " still needs " + String.join(", ", stillMissing));
            return;
        }
        ServiceConfig service;
        try {
            service = waiting.completed().apply(values);
        } catch (ConfigException e) {
            AdminApi.error(ctx, 422, "invalid", withoutValues(e.getMessage(), values));
            return;
        }
        if (!supervisor.claim(waiting)) { // another request completed it first
            AdminApi.error(ctx, 409, "conflict", "service " + waiting.name() + " is configured already");
            return;
        }
        Upstream upstream;
        try {
            upstream = federation.add(service.upstream(), service.autoStart());
        } catch (IllegalArgumentException | IllegalStateException e) {
            supervisor.awaitConfiguration(waiting); // nothing was started: it waits as before
            AdminApi.error(ctx, 409, "conflict", e.getMessage());
            return;
        }
        supervisor.configured(service);
        if (service.autoStart()) {
            upstream.firstAttempt().orTimeout(service.upstream().policy().timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .exceptionally(e -> null).join();
        }
        AdminApi.json(ctx, 200, view(service));
    }

    /** An error about the completed entry, without the values just provided (they may be secrets) or file paths. */
    private static String withoutValues(String message, java.util.Map<String, String> values) {
        String shown = message;
        for (var e : values.entrySet()) {
            if (!e.getValue().isEmpty()) {
                shown = shown.replace(e.getValue(), "<" + e.getKey() + ">");
            }
        }
        int at = shown.indexOf("services.yml: ");
        return at > 0 ? shown.substring(at) : shown;
    }

    private static String needsConfiguration(UnconfiguredService waiting) {
        return "service " + waiting.name() + " needs configuration: " + String.join(", ", waiting.missing())
                + (waiting.missing().size() == 1 ? " is" : " are") + " not set (provide with PUT /services/" + waiting.name()
                + "/environment, or in the environment at the next start)";
    }

    ObjectNode view(UnconfiguredService waiting) {
        ObjectNode view = Json.object();
        view.put("name", waiting.name());
        view.put("state", NEEDS_CONFIGURATION);
        ArrayNode missing = view.putArray("missing");
        waiting.missing().forEach(missing::add);
        view.put("reason", needsConfiguration(waiting));
        view.put("priority", waiting.priority().label());
        view.put("auto_start", waiting.autoStart());
        return view;
    }

    private void logs(Context ctx) {
        int limit = DEFAULT_LOG_LINES;
        long after = 0;
        String asked = ctx.queryParam("lines");
        String since = ctx.queryParam("after");
        try {
            if (asked != null) {
                limit = Math.max(1, Integer.parseInt(asked));
            }
        } catch (NumberFormatException e) {
            AdminApi.error(ctx, 422, "invalid", "lines: '" + asked + "' (expected: a positive integer)");
            return;
        }
        try {
            if (since != null) {
                after = Math.max(0, Long.parseLong(since));
            }
        } catch (NumberFormatException e) {
            AdminApi.error(ctx, 422, "invalid", "after: '" + since + "' (expected: the seq of a line already read)");
            return;
        }
        answer(ctx, logs(ctx.pathParam("name"), after, limit));
    }

    /** The service the path names, or null after answering 404. */
    private ServiceConfig service(Context ctx) {
        ServiceConfig service = service(ctx.pathParam("name"));
        if (service == null) {
            AdminApi.error(ctx, 404, "not_found", "no service named '" + ctx.pathParam("name") + "'");
        }
        return service;
    }

    /** The managed service of that name, or null when there is none (or it has left the federation). */
    private ServiceConfig service(String name) {
        ServiceConfig service = supervisor.service(name);
        return service == null || federation.find(name) == null ? null : service;
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
        view.put("priority", service.priority().label());
        if (service.memoryReservation() > 0) {
            view.put("memory_reservation_bytes", service.memoryReservation());
        }
        if (!service.volumes().isEmpty()) {
            ObjectNode volumes = view.putObject("volumes");
            service.volumes().forEach(volumes::put);
        }
        if (!service.notEnforced().isEmpty()) {
            ObjectNode notEnforced = view.putObject("not_enforced");
            service.notEnforced().forEach(notEnforced::put);
        }
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

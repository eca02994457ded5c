package dev.forge.admin;

import dev.forge.audit.AuditLog;
import dev.forge.auth.Principal;
import dev.forge.services.ServiceControl;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The service manager's servers: each one's state, process, memory, restarts, priority and sleep policy, why it
 * sleeps or stopped, the lifecycle actions, and a live tail of what its process writes. Read and changed through
 * the manager's own answers ({@link ServiceControl}: in this process, or its {@code /services} API elsewhere), so
 * an action here is the API's action, with the API's audit line.
 */
public final class ServicesSection {

    /** Lines a log page starts with and keeps at most; a refresh brings at most this many new ones. */
    public static final int LOG_LINES = 300;
    private static final String ACTIONS = String.join("|", ServiceControl.ACTIONS);

    /**
     * One service as the console shows it; text fields are ready to print ("–" where there is nothing).
     *
     * @param why     why it is in its state: why it sleeps, how its process last ended, what it still needs
     * @param details further facts for its own page, in order
     */
    public record ServiceRow(String name, String state, String pid, String memory, int restarts, String priority,
                             String idleTimeout, String why, boolean crashLoop, int tools, List<Fact> details) {

        public boolean mayStart() {
            return state.equals("stopped") || state.equals("crashed");
        }

        public boolean maySleep() {
            return state.equals("running");
        }

        public boolean mayWake() {
            return state.equals("sleeping");
        }

        public boolean mayStop() {
            return state.equals("running") || state.equals("starting") || state.equals("sleeping");
        }

        public boolean mayRestart() {
            return state.equals("running") || state.equals("crashed");
        }
    }

    /** A labelled fact about a service. */
    public record Fact(String label, String value) {}

    /** One line of a service's log. */
    public record LogLine(String at, String stream, String text) {}

    /** Where the services come from: here, elsewhere (with its address), or nowhere. */
    public record Source(boolean present, String location) {}

    private final Console console;
    private final ServiceControl services;
    private final AuditLog audit;

    ServicesSection(Console console, ServiceControl services, AuditLog audit) {
        this.console = console;
        this.services = services;
        this.audit = audit;
    }

    void routes(RoutesConfig routes) {
        routes.get("/admin/services", ctx -> list(ctx, 200, page(ctx, "Services")));
        routes.get("/admin/services/{name}", ctx -> one(ctx, 200, page(ctx, ctx.pathParam("name"))));
        routes.get("/admin/services/{name}/log", this::logLines);
        routes.post("/admin/services/{name}/{action}", console.changing(this::act));
    }

    private Page page(Context ctx, String title) {
        return console.page(ctx, title, "services");
    }

    /** Every service as the list shows it; none when there is no service manager or it does not answer. */
    List<ServiceRow> rows() {
        List<ServiceRow> rows = new ArrayList<>();
        ServiceControl.Answer answer = services == null ? null : services.list();
        if (answer != null && answer.ok()) {
            answer.body().forEach(s -> rows.add(row(s)));
        }
        return rows;
    }

    /** The list; {@code ?part=table} is the table alone, for the page's script to refresh. */
    private void list(Context ctx, int status, Page page) {
        Map<String, Object> params = new HashMap<>();
        params.put("page", page);
        params.put("source", source());
        List<ServiceRow> rows = new ArrayList<>();
        String problem = null;
        if (services != null) {
            ServiceControl.Answer answer = services.list();
            if (answer.ok()) {
                answer.body().forEach(s -> rows.add(row(s)));
            } else {
                problem = answer.message();
            }
        }
        params.put("services", rows);
        params.put("problem", problem);
        console.render(ctx, status, "table".equals(ctx.queryParam("part")) ? "services-table.jte" : "services.jte", params);
    }

    /** A service's page; {@code ?part=facts} is its facts alone, for the page's script to refresh. */
    private void one(Context ctx, int status, Page page) {
        String name = ctx.pathParam("name");
        if (services == null) {
            list(ctx, 404, page.withError("No service manager here: there is no service '" + name + "'."));
            return;
        }
        ServiceControl.Answer answer = services.describe(name);
        if (!answer.ok()) {
            list(ctx, answer.status(), page(ctx, "Services").withError(answer.message()));
            return;
        }
        boolean factsOnly = "facts".equals(ctx.queryParam("part"));
        Map<String, Object> params = new HashMap<>();
        params.put("page", page);
        params.put("service", row(answer.body()));
        params.put("source", source());
        if (!factsOnly) {
            ServiceControl.Answer logs = services.logs(name, 0, LOG_LINES);
            params.put("lines", logs.ok() ? lines(logs.body()) : List.of());
            params.put("next", logs.ok() ? next(logs.body(), 0) : 0L);
            params.put("logProblem", logs.ok() ? null : logs.message());
        }
        console.render(ctx, status, factsOnly ? "service-facts.jte" : "service.jte", params);
    }

    /** The lines after {@code ?after=N}, as list items; the number to ask after next time in {@code X-Log-Next}. */
    private void logLines(Context ctx) {
        long after;
        try {
            after = ctx.queryParam("after") == null ? 0 : Math.max(0, Long.parseLong(ctx.queryParam("after")));
        } catch (NumberFormatException e) {
            ctx.status(422).contentType("text/plain; charset=utf-8").result("after: expected the number of a line");
            return;
        }
        ServiceControl.Answer logs = services == null ? null : services.logs(ctx.pathParam("name"), after, LOG_LINES);
        if (logs == null || !logs.ok()) {
            ctx.status(logs == null ? 404 : logs.status()).contentType("text/plain; charset=utf-8")
                    .result(logs == null ? "no service manager here" : logs.message());
            return;
        }
        ctx.header("X-Log-Next", Long.toString(next(logs.body(), after)));
        console.render(ctx, 200, "service-log-lines.jte", Map.of("lines", lines(logs.body())));
    }

    private void act(Context ctx) {
        String name = ctx.pathParam("name");
        String action = ctx.pathParam("action");
        boolean fromList = "list".equals(ctx.formParam("from"));
        if (services == null || !action.matches(ACTIONS)) {
            list(ctx, 404, page(ctx, "Services").withError("There is no such action here."));
            return;
        }
        String subject = Principal.of(ctx).subject();
        ServiceControl.Answer answer = services.act(name, action, subject);
        // the line the API's POST /services/{name}/{action} leaves (in the manager's own log too, when it runs apart)
        audit.registryChange(subject, "POST", "/services/" + name + "/" + action, answer.status());
        if (!answer.ok()) {
            Page failed = page(ctx, fromList ? "Services" : name).withError(answer.message());
            if (fromList || answer.status() == 404) {
                list(ctx, answer.status(), failed);
            } else {
                one(ctx, answer.status(), failed);
            }
            return;
        }
        Console.redirect(ctx, fromList ? "/admin/services" : "/admin/services/" + java.net.URLEncoder.encode(name,
                java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"), done(action, name));
    }

    private static String done(String action, String name) {
        return switch (action) {
            case "start" -> "Starting '" + name + "'.";
            case "stop" -> "Stopped '" + name + "': it stays stopped until started.";
            case "restart" -> "Restarting '" + name + "'.";
            case "sleep" -> "Put '" + name + "' to sleep: its next call wakes it.";
            default -> "Waking '" + name + "'.";
        };
    }

    private Source source() {
        return new Source(services != null, services == null ? null : services.location());
    }

    static ServiceRow row(JsonNode s) {
        String state = s.path("state").asString("");
        boolean running = s.has("pid");
        JsonNode sleep = s.path("sleep_policy");
        String why = s.hasNonNull("reason") ? s.get("reason").asString() : s.path("last_exit").asString("");
        List<Fact> details = new ArrayList<>();
        if (s.has("uptime_seconds")) {
            details.add(new Fact("up for", duration(s.get("uptime_seconds").asLong())));
        }
        if (s.has("since")) {
            details.add(new Fact("in this state since", when(s.get("since").asString())));
        }
        if (s.has("missing")) {
            List<String> missing = new ArrayList<>();
            s.get("missing").forEach(v -> missing.add(v.asString()));
            details.add(new Fact("needs", String.join(", ", missing)));
        }
        if (s.has("memory_limit_bytes")) {
            details.add(new Fact("memory limit", mib(s.get("memory_limit_bytes").asLong())));
        }
        if (s.has("memory_reservation_bytes")) {
            details.add(new Fact("memory kept free to wake it", mib(s.get("memory_reservation_bytes").asLong())));
        }
        if (s.has("cpu")) {
            details.add(new Fact("cpu", s.get("cpu").asString()));
        }
        if (sleep.has("min_sleep_time_seconds")) {
            details.add(new Fact("up at least", duration(sleep.get("min_sleep_time_seconds").asLong()) + " before sleeping"));
        }
        details.add(new Fact("starts with Forge", s.path("auto_start").asBoolean(true) ? "yes" : "no (auto_start: false)"));
        if (s.has("command")) {
            details.add(new Fact("command", s.get("command").asString()));
        }
        if (s.has("mcp_url")) {
            details.add(new Fact("MCP endpoint", s.get("mcp_url").asString()));
        }
        s.path("volumes").properties().forEach(v -> details.add(new Fact("volume " + v.getKey(), v.getValue().asString())));
        s.path("not_enforced").properties().forEach(v -> details.add(new Fact("not enforced: " + v.getKey(), v.getValue().asString())));
        return new ServiceRow(s.path("name").asString(""), state, running ? s.get("pid").asString() : "–",
                running ? mib(s.path("memory_bytes").asLong()) : "–", s.path("restarts").asInt(0), s.path("priority").asString("–"),
                sleep.has("idle_timeout_seconds") ? duration(sleep.get("idle_timeout_seconds").asLong()) : "never sleeps",
                why, s.path("crash_loop").asBoolean(false), s.path("tools").asInt(0), details);
    }

    private static List<LogLine> lines(JsonNode logs) {
        List<LogLine> lines = new ArrayList<>();
        logs.path("lines").forEach(l -> lines.add(new LogLine(time(l.path("at").asString("")), l.path("stream").asString(""),
                l.path("text").asString(""))));
        return lines;
    }

    /** The number of the last line given, to ask after next; {@code after} when none was. */
    private static long next(JsonNode logs, long after) {
        JsonNode lines = logs.path("lines");
        return lines.isEmpty() ? after : lines.get(lines.size() - 1).path("seq").asLong(after);
    }

    private static String mib(long bytes) {
        return bytes <= 0 ? "–" : String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    /** Seconds as people say them: 45 s, 5 min, 2 h 30 min, 3 d. */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds % 60 == 0 || seconds >= 600 ? seconds / 60 + " min" : seconds / 60 + " min " + seconds % 60 + " s";
        }
        if (seconds < 86_400) {
            long minutes = seconds % 3600 / 60;
            return seconds / 3600 + " h" + (minutes == 0 ? "" : " " + minutes + " min");
        }
        return seconds / 86_400 + " d";
    }

    private static String when(String instant) {
        try {
            return Console.when(Instant.parse(instant));
        } catch (DateTimeParseException e) {
            return instant;
        }
    }

    private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(java.time.ZoneOffset.UTC);

    /** A log line's time of day, in UTC, to the second. */
    private static String time(String instant) {
        try {
            return TIME.format(Instant.parse(instant));
        } catch (DateTimeParseException e) {
            return "";
        }
    }
}

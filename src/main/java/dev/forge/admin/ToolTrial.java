package dev.forge.admin;

import dev.forge.auth.Principal;
import dev.forge.auth.ToolAccess;
import dev.forge.catalog.Catalog;
import dev.forge.catalog.CatalogView;
import dev.forge.catalog.Federation;
import dev.forge.catalog.Route;
import dev.forge.protocol.Json;
import dev.forge.session.SessionLimitException;
import dev.forge.transport.LocalCalls;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tool's page: what it is, a form made from its input schema, and trying it. The call goes through the gateway's
 * own MCP pipeline in the signed-in principal's name ({@link LocalCalls}), so the access rule, the audit line, the
 * metrics and the upstream's answer are what a client would meet. The page's script posts the form asking for an
 * event stream and shows progress as it comes; without the script the form posts plainly and the page comes back
 * with the result. Trying a tool is a change like any other (it may act on the world), so it needs the console's
 * write scope, and the call itself what calling the tool needs.
 */
public final class ToolTrial {

    /** How often a quiet call's stream gets a comment: a browser that went away is found out by the next write. */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(2);
    /** The notes a run keeps (the latest): a tool that reports progress every millisecond fills no page. */
    private static final int MAX_NOTES = 100;
    /** The name a trial's session gives as its client. */
    private static final String CLIENT = "forge-console";

    /** The tool as its page shows it. {@code mayCall}: the signed-in principal may call it through the gateway. */
    public record ToolView(String name, String upstream, String title, String description, boolean enabled, String href,
                           boolean mayCall, List<String> hints, String schema) {}

    private final Console console;
    private final Federation federation;
    private final LocalCalls calls;
    private final String version;

    ToolTrial(Console console, Federation federation, LocalCalls calls, String version) {
        this.console = console;
        this.federation = federation;
        this.calls = calls;
        this.version = version;
    }

    void routes(RoutesConfig routes) {
        routes.get("/admin/tools/{name}", ctx -> {
            ObjectNode tool = find(ctx.pathParam("name"));
            if (tool == null) {
                missing(ctx);
                return;
            }
            ToolForm form = ToolForm.of(tool.get("inputSchema"));
            show(ctx, 200, tool, form.fields(), null);
        });
        routes.post("/admin/tools/{name}", console.changing(this::run));
    }

    private void run(Context ctx) throws IOException {
        ObjectNode tool = find(ctx.pathParam("name"));
        if (tool == null) {
            missing(ctx);
            return;
        }
        boolean streaming = String.valueOf(ctx.header("Accept")).contains("text/event-stream");
        ToolForm form = ToolForm.of(tool.get("inputSchema"));
        ToolForm.Reading reading = form.read(ctx::formParam);
        Map<String, String> problems = new HashMap<>();
        reading.problems().forEach(p -> problems.putIfAbsent(p.name(), p.message()));
        if (!reading.ok()) {
            ToolRun refused = ToolRun.invalid(reading.problems());
            if (streaming) {
                Events events = Events.open(ctx);
                events.send("result", console.fragment("tool-run.jte", Map.of("run", refused)));
            } else {
                show(ctx, 422, tool, form.fields(ctx::formParam, problems), refused);
            }
            return;
        }
        ObjectNode params = Json.object().put("name", tool.path("name").asString(""));
        params.set("arguments", reading.arguments());
        params.putObject("_meta").put("progressToken", "console");
        Events events = streaming ? Events.open(ctx) : null;
        ToolRun run = call(Principal.of(ctx), params, events);
        if (run == null) {
            return; // the browser went away
        }
        if (events != null) {
            events.send("result", console.fragment("tool-run.jte", Map.of("run", run)));
        } else {
            show(ctx, 200, tool, form.fields(ctx::formParam, problems), run);
        }
    }

    /**
     * Calls the tool and waits for its answer, passing on what comes meanwhile to {@code events} (when the page
     * streams). A browser gone away ends the wait, and the call is cancelled upstream.
     */
    private ToolRun call(Principal principal, ObjectNode params, Events events) {
        long started = System.nanoTime();
        Deque<ToolRun.Note> notes = new ArrayDeque<>();
        try (LocalCalls.Call call = calls.start(principal, Catalog.ALL, "tools/call", params, CLIENT, version)) {
            while (true) {
                ObjectNode message = call.next(KEEP_ALIVE);
                if (message != null) {
                    ToolRun.Note note = ToolRun.Note.of(message);
                    if (note != null) {
                        notes.addLast(note);
                        if (notes.size() > MAX_NOTES) {
                            notes.removeFirst();
                        }
                        if (events != null) {
                            events.send("note", Json.text(note.json()));
                        }
                    }
                } else if (call.answered() || call.overdue()) {
                    break;
                } else if (events != null) {
                    events.keepAlive();
                }
            }
            return ToolRun.of(call.response(), new ArrayList<>(notes), (System.nanoTime() - started) / 1_000_000);
        } catch (SessionLimitException e) {
            return ToolRun.of(Json.object().set("error", Json.object().put("code", dev.forge.protocol.JsonRpcError.RATE_LIMITED)
                    .put("message", e.getMessage())), List.of(), 0);
        } catch (IOException e) {
            return null; // the browser went away: closing the call cancelled it upstream, and nobody waits for a result
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void show(Context ctx, int status, ObjectNode tool, List<ToolForm.Field> fields, ToolRun run) {
        Principal principal = Principal.of(ctx);
        String name = tool.path("name").asString("");
        CatalogView view = federation.catalog().view(Catalog.ALL);
        Route route = view.tool(name);
        String upstream = route != null ? route.upstream().name() : name.split(Pattern.quote(federation.separator()), 2)[0];
        Map<String, Object> params = new HashMap<>();
        params.put("page", console.page(ctx, name, "tools"));
        params.put("tool", new ToolView(name, upstream, tool.path("title").asString(tool.path("annotations").path("title").asString("")),
                tool.path("description").asString(""), route != null, ToolsSection.href(name),
                ToolAccess.allows(principal, Catalog.ALL, upstream, name), hints(tool.path("annotations")),
                Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(tool.path("inputSchema"))));
        params.put("fields", fields);
        ToolForm form = ToolForm.of(tool.get("inputSchema"));
        params.put("takesNothing", form.takesNothing());
        params.put("anyRequired", form.anyRequired());
        params.put("run", run);
        params.put("timeout", calls.deadline().toSeconds());
        console.render(ctx, status, "tool.jte", params);
    }

    /** What the tool's annotations say of it, in words. */
    private static List<String> hints(JsonNode annotations) {
        List<String> hints = new ArrayList<>();
        if (annotations.path("readOnlyHint").asBoolean(false)) {
            hints.add("read-only");
        }
        if (annotations.path("destructiveHint").asBoolean(false)) {
            hints.add("destructive");
        }
        if (annotations.path("idempotentHint").asBoolean(false)) {
            hints.add("idempotent");
        }
        if (annotations.path("openWorldHint").asBoolean(false)) {
            hints.add("open world");
        }
        return hints;
    }

    /** The tool of this name, enabled or not, or null. */
    private ObjectNode find(String name) {
        for (ObjectNode tool : federation.catalog().view(Catalog.ALL).tools()) {
            if (name.equals(tool.path("name").asString(null))) {
                return tool;
            }
        }
        return federation.catalog().disabledTools().stream().filter(t -> name.equals(t.path("name").asString(null)))
                .findFirst().orElse(null);
    }

    private static void missing(Context ctx) {
        Console.redirectWithError(ctx, "/admin/tools", "No tool '" + ctx.pathParam("name") + "'.");
    }

    /**
     * The answer as an event stream: {@code note} events (JSON) while the tool runs, then one {@code result} event
     * (the result's HTML, rendered as the page renders it).
     */
    private static final class Events {
        private final OutputStream out;

        private Events(OutputStream out) {
            this.out = out;
        }

        static Events open(Context ctx) throws IOException {
            ctx.status(200);
            ctx.res().setContentType("text/event-stream");
            ctx.res().setCharacterEncoding("UTF-8");
            ctx.header("Cache-Control", "no-store, no-transform");
            ctx.header("X-Accel-Buffering", "no");
            ctx.header("X-Content-Type-Options", "nosniff");
            OutputStream out = ctx.res().getOutputStream();
            out.flush();
            return new Events(out);
        }

        void send(String type, String data) throws IOException {
            StringBuilder event = new StringBuilder("event: ").append(type).append('\n');
            for (String line : data.split("\r\n|\r|\n", -1)) {
                event.append("data: ").append(line).append('\n');
            }
            out.write(event.append('\n').toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        void keepAlive() throws IOException {
            out.write(": still running\n\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }
}

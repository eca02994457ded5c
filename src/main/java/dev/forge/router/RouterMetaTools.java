package dev.forge.router;

import dev.forge.auth.Principal;
import dev.forge.auth.ToolAccess;
import dev.forge.catalog.Catalog;
import dev.forge.catalog.CatalogView;
import dev.forge.config.MetaToolSource;
import dev.forge.dispatch.MetaTools;
import dev.forge.protocol.Json;
import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The router's meta-tools, for clients that should see a handful of tools instead of thousands:
 * {@code search_tools}, {@code describe_tool}, {@code call_tool}, {@code execute_task} and {@code record_feedback}.
 * What a session finds and calls through them is exactly what its token could find and call directly.
 */
public final class RouterMetaTools implements MetaTools, MetaToolSource {

    public static final String UPSTREAM = "router";
    /** Who owns {@link #UPSTREAM}, in the refusal a gateway of that name gets. */
    public static final String OWNER = "the tool router's meta-tools";
    public static final List<String> NAMES = List.of("search_tools", "describe_tool", "call_tool", "execute_task", "record_feedback");
    private static final int DEFAULT_LIMIT = 5;

    private final ToolRouter router;
    private final Supplier<Catalog> catalog;
    private final String separator;
    private final List<ObjectNode> definitions = MetaToolDefinitions.all();

    public RouterMetaTools(ToolRouter router, Supplier<Catalog> catalog, String separator) {
        this.router = router;
        this.catalog = catalog;
        this.separator = separator;
    }

    @Override
    public List<ObjectNode> definitions() {
        return definitions;
    }

    @Override
    public String upstream() {
        return UPSTREAM;
    }

    /** The namespaced names of the meta-tools, for the router's virtual server. */
    public List<String> namespacedNames() {
        return namespacedNames(separator);
    }

    /** The same, known before the meta-tools exist (the virtual server is declared before the federation is built). */
    public static List<String> namespacedNames(String separator) {
        return NAMES.stream().map(n -> UPSTREAM + separator + n).toList();
    }

    @Override
    public CompletableFuture<ObjectNode> call(ClientSession session, Message.Request request, String tool, Calls calls) {
        JsonNode args = request.params().path("arguments");
        JsonNode id = request.id();
        return switch (tool) {
            case "search_tools" -> done(id, search(session.principal(), text(args, "query"), args.path("limit").asInt(DEFAULT_LIMIT)));
            case "describe_tool" -> done(id, describe(session.principal(), text(args, "name")));
            case "call_tool" -> calls.call(toolsCall(request, text(args, "name"),
                    args.get("arguments") instanceof ObjectNode o ? o : Json.object()));
            case "execute_task" -> execute(session.principal(), request, text(args, "task"), args.path("context").asString(null), calls);
            case "record_feedback" -> {
                String name = text(args, "tool");
                router.recordFeedback(name, text(args, "task"), args.path("success").asBoolean(false));
                yield done(id, textResult("Recorded: " + name + (args.path("success").asBoolean(false) ? " worked" : " did not work")
                        + " for this task; later rankings take it into account.", null));
            }
            default -> done(id, errorResult("Unknown meta-tool: " + tool));
        };
    }

    private ObjectNode search(Principal principal, String query, int limit) {
        if (query.isBlank()) {
            return errorResult("search_tools needs a query: describe the task in words");
        }
        ArrayNode found = Json.array();
        List<RankedTool> ranked = permitted(principal, query, null, limit);
        for (RankedTool r : ranked) {
            ObjectNode t = found.addObject();
            t.put("name", r.tool().name());
            t.put("description", r.tool().definition().path("description").asString(""));
            t.put("score", Math.round(r.score() * 1000) / 1000.0);
            r.describeMatch(t);
            r.matched().forEach(t.putArray("matched")::add);
        }
        ObjectNode structured = Json.object();
        structured.set("tools", found);
        if (ranked.stream().anyMatch(RankedTool::judged) && ranked.stream().filter(RankedTool::judged).allMatch(RankedTool::poorMatch)) {
            // still listed (never empty), but the client is told not to trust them blindly
            structured.put("note", "no good match: none of these tools is close in meaning to the task; "
                    + "the catalog may have no tool for it");
        }
        return textResult(Json.text(structured), structured);
    }

    private ObjectNode describe(Principal principal, String name) {
        CatalogView all = catalog.get().view(Catalog.ALL);
        var route = all == null ? null : all.tool(name);
        if (route == null || route.upstream().name().equals(UPSTREAM) || !visible(principal, name, route.upstream().name())) {
            return errorResult("No tool named " + name + " (search_tools finds tools by what they do)");
        }
        ObjectNode definition = all.tools().stream().filter(t -> t.path("name").asString("").equals(name)).findFirst()
                .map(ObjectNode::deepCopy).orElse(Json.object());
        return textResult(Json.text(definition), definition);
    }

    /**
     * Picks the best tool for the task. When that tool takes one obvious free-text parameter, it is called with the
     * task as that parameter; otherwise the best candidates and their input schemas come back for the model to
     * choose and fill in, then use {@code call_tool}.
     */
    private CompletableFuture<ObjectNode> execute(Principal principal, Message.Request request, String task, String context, Calls calls) {
        if (task.isBlank()) {
            return done(request.id(), errorResult("execute_task needs a task: describe it in words"));
        }
        List<RankedTool> candidates = permitted(principal, task, context, DEFAULT_LIMIT);
        if (candidates.isEmpty()) {
            return done(request.id(), errorResult("No tool fits this task: " + task));
        }
        RankedTool best = candidates.getFirst();
        String parameter = freeTextParameter(best.tool().definition().path("inputSchema"));
        if (parameter != null) {
            ObjectNode arguments = Json.object();
            arguments.put(parameter, task);
            return calls.call(toolsCall(request, best.tool().name(), arguments)).thenApply(response -> {
                if (response.get("result") instanceof ObjectNode result) {
                    ObjectNode meta = result.get("_meta") instanceof ObjectNode m ? m : result.putObject("_meta");
                    meta.put("forge/tool", best.tool().name());
                }
                return response;
            });
        }
        ArrayNode list = Json.array();
        for (RankedTool r : candidates) {
            ObjectNode c = list.addObject();
            c.put("name", r.tool().name());
            c.put("description", r.tool().definition().path("description").asString(""));
            c.set("inputSchema", r.tool().definition().path("inputSchema"));
            c.put("score", Math.round(r.score() * 1000) / 1000.0);
            r.describeMatch(c);
        }
        ObjectNode structured = Json.object();
        structured.set("candidates", list);
        return done(request.id(), textResult("The best tools for this task need arguments that cannot be taken from "
                + "the task alone. Choose one and call it with call_tool:\n" + Json.text(structured), structured));
    }

    /** The one parameter a task in words can fill: the only required string, or the only string when none is required. */
    static String freeTextParameter(JsonNode schema) {
        JsonNode properties = schema.path("properties");
        List<String> strings = new ArrayList<>();
        properties.properties().forEach(p -> {
            JsonNode type = p.getValue().path("type");
            if ("string".equals(type.asString("")) && !p.getValue().has("enum")) {
                strings.add(p.getKey());
            }
        });
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(r -> required.add(r.asString()));
        if (required.size() == 1 && strings.contains(required.getFirst())) {
            return required.getFirst();
        }
        return required.isEmpty() && strings.size() == 1 ? strings.getFirst() : null;
    }

    private List<RankedTool> permitted(Principal principal, String task, String context, int limit) {
        int wanted = Math.max(1, Math.min(limit, ToolRouter.MAX_LIMIT));
        List<RankedTool> ranked = router.route(task, context, principal.toolLimited() ? ToolRouter.MAX_LIMIT : wanted * 2);
        return ranked.stream().filter(r -> visible(principal, r.tool().name(), r.tool().upstream())).limit(wanted).toList();
    }

    /** Whether the session could call this tool through {@code call_tool}: routed, like it, in the all-upstreams view. */
    private static boolean visible(Principal principal, String name, String upstream) {
        return ToolAccess.allows(principal, Catalog.ALL, upstream, name);
    }

    private static Message.Request toolsCall(Message.Request original, String name, ObjectNode arguments) {
        ObjectNode params = Json.object();
        params.put("name", name);
        params.set("arguments", arguments);
        if (original.params().get("_meta") instanceof ObjectNode meta) {
            params.set("_meta", meta);
        }
        return Message.request(original.id(), "tools/call", params);
    }

    private static String text(JsonNode args, String field) {
        return args.path(field).asString("");
    }

    private static ObjectNode textResult(String text, ObjectNode structured) {
        ObjectNode result = Json.object();
        result.putArray("content").addObject().put("type", "text").put("text", text);
        if (structured != null) {
            result.set("structuredContent", structured);
        }
        return result;
    }

    private static ObjectNode errorResult(String text) {
        ObjectNode result = textResult(text, null);
        result.put("isError", true);
        return result;
    }

    private static CompletableFuture<ObjectNode> done(JsonNode id, ObjectNode result) {
        return CompletableFuture.completedFuture(Message.result(id, result).node());
    }
}

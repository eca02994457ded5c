package dev.forge.router;

import dev.forge.api.AdminApi;
import dev.forge.auth.Principal;
import dev.forge.auth.ToolAccess;
import dev.forge.catalog.Catalog;
import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The tool router over HTTP: {@code POST /route} (and, on the gateway, {@code POST /tools} with a {@code task}),
 * {@code POST /feedback} and {@code GET /status}. Results are limited to the tools the caller's token may call.
 */
public final class RouterApi {

    private static final int DEFAULT_LIMIT = 10;

    private final ToolRouter router;

    public RouterApi(ToolRouter router) {
        this.router = router;
    }

    /** The tool router's own port. */
    public void routes(RoutesConfig routes) {
        routes.post("/route", this::route);
        routes.post("/feedback", this::feedback);
        routes.get("/status", this::status);
    }

    /** Answers a routing query that came as {@code POST /tools} with a {@code task} (see {@code TaskRouting}). */
    public void routeTask(Context ctx, JsonNode body) {
        answer(ctx, body);
    }

    private void route(Context ctx) {
        JsonNode body = body(ctx);
        if (body != null) {
            answer(ctx, body);
        }
    }

    private void answer(Context ctx, JsonNode body) {
        String task = body.path("task").asString("");
        if (task.isBlank()) {
            error(ctx, 422, "task: missing (expected: the task in words)");
            return;
        }
        JsonNode limitNode = body.get("limit");
        int limit = limitNode == null || limitNode.isNull() ? DEFAULT_LIMIT : limitNode.asInt(-1);
        if (limit < 1 || limit > ToolRouter.MAX_LIMIT) {
            error(ctx, 422, "limit: " + limitNode + " (expected: 1 to " + ToolRouter.MAX_LIMIT + ")");
            return;
        }
        long start = System.nanoTime();
        List<RankedTool> ranked = rank(Principal.of(ctx), task, body.path("context").asString(null), limit);
        ObjectNode result = Json.object();
        result.put("task", task);
        ArrayNode tools = result.putArray("tools");
        for (RankedTool r : ranked) {
            ObjectNode t = tools.addObject();
            t.put("name", r.tool().name());
            t.put("gateway", r.tool().upstream());
            t.put("description", r.tool().definition().path("description").asString(""));
            t.put("score", Math.round(r.score() * 1000) / 1000.0);
            r.describeMatch(t);
            r.matched().forEach(t.putArray("matched")::add);
            t.set("inputSchema", r.tool().definition().path("inputSchema"));
        }
        result.put("took_ms", Math.round((System.nanoTime() - start) / 10_000.0) / 100.0);
        AdminApi.json(ctx, 200, result);
    }

    /**
     * The best tools for a task among those {@code principal} may call, best first, {@code limit} at most (1 to
     * {@value ToolRouter#MAX_LIMIT}): what {@code POST /route} answers, and the console shows.
     */
    public List<RankedTool> rank(Principal principal, String task, String context, int limit) {
        return router.route(task, context, principal.toolLimited() ? ToolRouter.MAX_LIMIT : limit).stream()
                .filter(r -> ToolAccess.allows(principal, Catalog.ALL, r.tool().upstream(), r.tool().name()))
                .limit(limit).toList();
    }

    private void feedback(Context ctx) {
        JsonNode body = body(ctx);
        if (body == null) {
            return;
        }
        String tool = body.path("tool").asString("");
        String task = body.path("task").asString("");
        if (tool.isBlank() || task.isBlank() || !body.path("success").isBoolean()) {
            error(ctx, 422, "body: expected {\"tool\": name, \"task\": words, \"success\": true|false}");
            return;
        }
        router.recordFeedback(tool, task, body.get("success").asBoolean());
        AdminApi.json(ctx, 201, Json.object().put("recorded", tool));
    }

    private void status(Context ctx) {
        ObjectNode s = Json.object();
        s.put("status", "ok");
        s.put("indexed_tools", router.indexSize());
        s.put("last_update", router.lastUpdate().toString());
        s.put("last_build_ms", router.lastBuildMillis());
        s.put("queries_served", router.queriesServed());
        s.put("ranking", router.rankingByMeaning() ? "words and meaning" : "words");
        int[] embedding = router.embeddingProgress();
        if (embedding[1] > 0) { // new tools are being embedded: how far it has come
            ObjectNode progress = s.putObject("embedding");
            progress.put("done", embedding[0]);
            progress.put("total", embedding[1]);
        }
        ObjectNode latency = s.putObject("latency_ms");
        latency.put("p50", router.latencyMillis(50));
        latency.put("p95", router.latencyMillis(95));
        latency.put("p99", router.latencyMillis(99));
        AdminApi.json(ctx, 200, s);
    }

    private static JsonNode body(Context ctx) {
        try {
            JsonNode body = Json.parse(ctx.bodyAsBytes());
            if (body.isObject()) {
                return body;
            }
        } catch (JsonRpcException e) {
            error(ctx, 400, "body: " + e.getMessage());
            return null;
        }
        error(ctx, 422, "body: expected a JSON object");
        return null;
    }

    private static void error(Context ctx, int status, String message) {
        AdminApi.error(ctx, status, status == 400 ? "bad_request" : "invalid", message);
    }
}

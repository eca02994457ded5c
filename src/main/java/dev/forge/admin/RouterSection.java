package dev.forge.admin;

import dev.forge.auth.Principal;
import dev.forge.router.RankedTool;
import dev.forge.router.RouterApi;
import dev.forge.router.ToolRouter;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tool router, asked by hand: a task in words, the tools it ranks for it (those the operator may call, as
 * {@code POST /route} answers), with scores and whether each is a good match in meaning, and a thumb up or down
 * for each that counts as {@code POST /feedback} does. Asking and rating are queries: a viewer may do both.
 */
public final class RouterSection {

    static final int DEFAULT_LIMIT = 10;

    /**
     * One proposed tool.
     *
     * @param match {@code good}, {@code poor}, or {@code unknown} (no similarity, or none judged for this model)
     */
    public record RankedRow(int rank, String name, String gateway, String description, String score, String similarity,
                            String match, String matched) {}

    /** The router's state, above the question. */
    public record RouterFacts(int indexed, boolean byMeaning, long queries) {}

    private final Console console;
    private final ToolRouter router;
    private final RouterApi api;

    private final RegistryChanges changes;

    RouterSection(Console console, ToolRouter router, RegistryChanges changes) {
        this.changes = changes;
        this.console = console;
        this.router = router;
        this.api = router == null ? null : new RouterApi(router);
    }

    void routes(RoutesConfig routes) {
        routes.get("/admin/router", ctx -> show(ctx, 200, console.page(ctx, "Tool router", "router")));
        routes.post("/admin/router/feedback", console.changing(this::feedback));
    }

    private void show(Context ctx, int status, Page page) {
        String task = trimmed(ctx.queryParam("task"));
        String context = trimmed(ctx.queryParam("context"));
        int limit = limit(ctx.queryParam("limit"));
        Map<String, Object> params = new HashMap<>();
        params.put("present", router != null);
        params.put("task", task == null ? "" : task);
        params.put("context", context == null ? "" : context);
        params.put("limit", limit);
        params.put("limits", List.of(5, 10, 20, ToolRouter.MAX_LIMIT));
        params.put("facts", router == null ? new RouterFacts(0, false, 0)
                : new RouterFacts(router.indexSize(), router.rankingByMeaning(), router.queriesServed()));
        List<RankedRow> rows = new ArrayList<>();
        if (router != null && task != null) {
            int rank = 1;
            for (RankedTool r : api.rank(Principal.of(ctx), task, context, limit)) {
                rows.add(row(rank++, r));
            }
        }
        params.put("asked", router != null && task != null);
        params.put("tools", rows);
        params.put("page", router == null ? page.withError("This process does not run the tool router.") : page);
        console.render(ctx, router == null ? 404 : status, "router.jte", params);
    }

    private void feedback(Context ctx) {
        String tool = trimmed(ctx.formParam("tool"));
        String task = trimmed(ctx.formParam("task"));
        String verdict = ctx.formParam("success");
        if (router == null || tool == null || task == null || !("true".equals(verdict) || "false".equals(verdict))) {
            show(ctx, 422, console.page(ctx, "Tool router", "router")
                    .withError("Feedback needs a tool, the task and whether the tool helped."));
            return;
        }
        boolean helped = Boolean.parseBoolean(verdict);
        router.recordFeedback(tool, task, helped);
        changes.record(ctx, "POST", "/feedback", 201); // as the API's POST /feedback is audited
        String again = "/admin/router?task=" + encode(task) + "&limit=" + limit(ctx.formParam("limit"))
                + (trimmed(ctx.formParam("context")) == null ? "" : "&context=" + encode(ctx.formParam("context").trim()));
        Console.redirect(ctx, again, "Thanks: recorded that '" + tool + "' " + (helped ? "fits" : "does not fit")
                + " this task. Later rankings take it into account.");
    }

    private static RankedRow row(int rank, RankedTool r) {
        String similarity = Double.isNaN(r.similarity()) ? "–" : String.format("%.3f", r.similarity());
        String match = !r.judged() ? "unknown" : r.poorMatch() ? "poor" : "good";
        return new RankedRow(rank, r.tool().name(), r.tool().upstream(), r.tool().definition().path("description").asString(""),
                String.format("%.3f", r.score()), similarity, match, String.join(", ", r.matched()));
    }

    private static int limit(String text) {
        try {
            int limit = text == null ? DEFAULT_LIMIT : Integer.parseInt(text.trim());
            return Math.max(1, Math.min(ToolRouter.MAX_LIMIT, limit));
        } catch (NumberFormatException e) {
            return DEFAULT_LIMIT;
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}

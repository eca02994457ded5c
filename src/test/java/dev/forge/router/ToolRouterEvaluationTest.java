package dev.forge.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.protocol.Json;
import dev.forge.store.Database;
import dev.forge.store.FeedbackRepository;
import dev.forge.support.TestGateways;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The router's quality on the evaluation set kept in src/test/resources/router: 312 tools from the tool lists of
 * 50 real MCP servers (with near-duplicates: several servers that search, read, create issues, send messages) and
 * 200 tasks in plain words, each labelled with the one right tool. {@code make router-eval} prints the figures;
 * this test fails if recall@5 falls below what the router reached when docs/TOOL_ROUTER.md was written.
 */
class ToolRouterEvaluationTest {

    /** recall@5 the router reached on this set; a change that loses ground fails here. */
    static final double RECALL_AT_5_FLOOR = 0.94;

    static JsonNode resource(String name) throws Exception {
        try (InputStream in = ToolRouterEvaluationTest.class.getResourceAsStream("/router/" + name)) {
            return Json.parse(in.readAllBytes());
        }
    }

    static List<IndexedTool> catalog() throws Exception {
        List<IndexedTool> tools = new ArrayList<>();
        for (JsonNode server : resource("catalog.json")) {
            String upstream = server.path("server").asString();
            for (JsonNode tool : server.path("tools")) {
                ObjectNode definition = (ObjectNode) tool.deepCopy();
                String name = upstream + "__" + tool.path("name").asString();
                definition.put("name", name);
                tools.add(new IndexedTool(name, upstream, definition, List.of()));
            }
        }
        return tools;
    }

    record Scores(double recallAt1, double recallAt5, double mrr, int tasks, List<String> misses) {}

    static Scores evaluate(ToolRouter router) throws Exception {
        int at1 = 0;
        int at5 = 0;
        double reciprocal = 0;
        int n = 0;
        List<String> misses = new ArrayList<>();
        for (JsonNode task : resource("tasks.json")) {
            n++;
            String expected = task.path("tool").asString();
            List<RankedTool> ranked = router.route(task.path("task").asString(), null, 10);
            int rank = 0;
            for (int i = 0; i < ranked.size(); i++) {
                if (ranked.get(i).tool().name().equals(expected)) {
                    rank = i + 1;
                    break;
                }
            }
            if (rank == 1) at1++;
            if (rank >= 1 && rank <= 5) at5++;
            if (rank > 0) reciprocal += 1.0 / rank;
            if (rank != 1) {
                misses.add(task.path("task").asString() + " → " + expected + " at " + (rank == 0 ? ">10" : rank)
                        + " (first: " + (ranked.isEmpty() ? "none" : ranked.getFirst().tool().name()) + ")");
            }
        }
        return new Scores((double) at1 / n, (double) at5 / n, reciprocal / n, n, misses);
    }

    static ToolRouter router() throws Exception {
        Database database = Database.open(TestGateways.freshDatabase(), false);
        ToolRouter router = new ToolRouter(() -> null, new FeedbackRepository(database, Clock.systemUTC()), Reranker.NONE,
                "router", Clock.systemUTC());
        router.rebuildNow(catalog());
        return router;
    }

    @Test
    void theRouterFindsTheRightToolForRealisticTasks() throws Exception {
        ToolRouter router = router();
        assertThat(router.indexSize()).isGreaterThanOrEqualTo(300);
        Scores s = evaluate(router);
        System.out.printf("tool router evaluation: %d tasks over %d tools: recall@1 %.3f, recall@5 %.3f, MRR %.3f%n",
                s.tasks(), router.indexSize(), s.recallAt1(), s.recallAt5(), s.mrr());
        s.misses().forEach(m -> System.out.println("  miss: " + m));
        assertThat(s.tasks()).isGreaterThanOrEqualTo(150);
        assertThat(s.recallAt5()).isGreaterThanOrEqualTo(RECALL_AT_5_FLOOR);
    }
}

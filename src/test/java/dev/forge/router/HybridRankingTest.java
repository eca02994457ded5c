package dev.forge.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.store.Database;
import dev.forge.store.FeedbackRepository;
import dev.forge.store.VectorRepository;
import dev.forge.support.TestGateways;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Words and meaning together, with the real embedding model in-process: a task that shares no word with the tool
 * it needs still finds it, the model costs nothing until the first search, and a rebuild embeds only what is new.
 */
class HybridRankingTest {

    /** Counts what the real model is asked to embed. */
    static final class Counting implements Embedder {
        final Embedder model;
        final AtomicInteger calls = new AtomicInteger();

        Counting(Embedder model) {
            this.model = model;
        }

        @Override
        public String model() {
            return model.model();
        }

        @Override
        public float[] embed(String text) {
            calls.incrementAndGet();
            return model.embed(text);
        }
    }

    static final Embedder MODEL = new MiniLmEmbedder();
    static List<IndexedTool> catalog;

    @BeforeAll
    static void load() throws Exception {
        catalog = ToolRouterEvaluationTest.catalog();
    }

    static ToolRouter router(Embedder embedder) throws Exception {
        Database database = Database.open(TestGateways.freshDatabase(), false);
        return new ToolRouter(() -> null, new FeedbackRepository(database, Clock.systemUTC()), Reranker.NONE, "router",
                Clock.systemUTC(), embedder, null);
    }

    static List<String> names(List<RankedTool> ranked) {
        return ranked.stream().map(r -> r.tool().name()).toList();
    }

    /** The demo's catalog: server-everything's and server-memory's tools. */
    @Test
    void aTaskThatSharesNoWordWithItsToolFindsItByMeaning() throws Exception {
        ToolRouter router = router(MODEL);
        router.rebuildNow(catalog.stream().filter(t -> t.upstream().equals("memory") || t.upstream().equals("everything")).toList());
        String task = "remember that Alice works at Acme";
        List<String> byWords = names(router.route(task, null, 3, ToolIndex.Ranking.BM25));
        List<String> both = names(router.route(task, null, 3));
        assertThat(byWords).as("words alone").noneMatch(n -> n.startsWith("memory__"));
        // a tool that stores a fact in the knowledge graph
        assertThat(both).as("words and meaning").isNotEmpty().anyMatch(n -> n.startsWith("memory__create_")
                || n.equals("memory__add_observations"));
    }

    @Test
    void aRestartOnTheSameRegistryEmbedsNothingAgain() throws Exception {
        Database registry = Database.open(TestGateways.freshDatabase(), false);
        List<IndexedTool> tools = catalog.subList(0, 30);
        Counting first = new Counting(MODEL);
        ToolIndex before = new ToolIndex(Clock.systemUTC(), first, new VectorRepository(registry, Clock.systemUTC()));
        before.rebuild(tools, ToolIndex.Vectors.ALL);
        assertThat(first.calls).hasValue(30);
        Counting second = new Counting(MODEL); // a new process: nothing in memory, the same registry
        ToolIndex after = new ToolIndex(Clock.systemUTC(), second, new VectorRepository(registry, Clock.systemUTC()));
        assertThat(after.allEmbedded(tools)).isFalse(); // not in its memory yet
        after.rebuild(tools, ToolIndex.Vectors.ALL);
        assertThat(second.calls).as("embedded again after the restart").hasValue(0);
        assertThat(after.dense()).isTrue();
        String task = "read a file from the disk";
        assertThat(after.search(task, null, 3)).extracting(r -> r.tool().name())
                .isEqualTo(before.search(task, null, 3).stream().map(r -> r.tool().name()).toList());
    }

    @Test
    void aClosedModelRefusesTexts() {
        MiniLmEmbedder own = new MiniLmEmbedder();
        float[] vector = own.embed("add two numbers");
        assertThat(vector).hasSize(384);
        assertThat(Vectors.dot(vector, vector)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        own.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> own.embed("add two numbers"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void withoutAModelTheRouterRanksByWordsAlone() throws Exception {
        ToolRouter words = router(null);
        words.rebuildNow(catalog);
        ToolRouter bm25 = router(MODEL);
        bm25.rebuildNow(catalog);
        String task = "list the open pull requests of a repository";
        assertThat(names(words.route(task, null, 5))).isEqualTo(names(bm25.route(task, null, 5, ToolIndex.Ranking.BM25)));
    }

    @Test
    void theModelIsAskedNothingUntilTheFirstSearchAndOnlyNewToolsAreEmbeddedAfter() throws Exception {
        Counting counting = new Counting(MODEL);
        List<IndexedTool> tools = new ArrayList<>(catalog.subList(0, 40));
        ToolRouter router = new ToolRouter(() -> null, new FeedbackRepository(Database.open(TestGateways.freshDatabase(), false),
                Clock.systemUTC()), Reranker.NONE, "router", Clock.systemUTC(), counting, null);
        ToolIndex index = new ToolIndex(Clock.systemUTC(), counting, null);
        index.rebuild(tools, ToolIndex.Vectors.NONE);
        assertThat(counting.calls).hasValue(0);
        index.rebuild(tools, ToolIndex.Vectors.CACHED);
        assertThat(counting.calls).as("only what is cached").hasValue(0);
        assertThat(index.dense()).isFalse();
        index.rebuild(tools, ToolIndex.Vectors.ALL);
        assertThat(counting.calls).hasValue(40);
        assertThat(index.dense()).isTrue();
        tools.add(catalog.get(40));
        assertThat(index.allEmbedded(tools)).isFalse();
        index.rebuild(tools, ToolIndex.Vectors.ALL);
        assertThat(counting.calls).as("one new tool, one embedding").hasValue(41);
        assertThat(router.indexSize()).isZero();
    }
}

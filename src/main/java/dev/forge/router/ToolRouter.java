package dev.forge.router;

import dev.forge.catalog.Catalog;
import dev.forge.catalog.CatalogView;
import dev.forge.catalog.Route;
import dev.forge.store.FeedbackRepository;
import dev.forge.store.VectorRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Ranks the federated tools for a task described in words. Follows the catalog: every change rebuilds the index
 * in the background (changes arriving meanwhile are folded into one more rebuild), so what is searched is at most
 * one rebuild behind — well under a second for 10,000 tools.
 */
public final class ToolRouter {

    private static final Logger LOG = LoggerFactory.getLogger(ToolRouter.class);
    public static final int MAX_LIMIT = 50;
    /**
     * The cosine similarity of task and tool below which a proposal is called a poor match, chosen on the project's
     * own evaluation set (docs/TOOL_ROUTER.md): it separates the right tool from the best of the rest when the right
     * one is not in the catalog.
     */
    public static final double GOOD_MATCH_FROM = 0.49;
    /** How many first-stage candidates feedback and the re-ranker may reorder, per result asked for. */
    private static final int CANDIDATES_PER_RESULT = 3;
    private static final int LATENCY_WINDOW = 10_000;
    private static final Duration FRESHNESS_WAIT = Duration.ofSeconds(2);
    /** How long the first search waits for the model to load and the catalog to be embedded (once per process). */
    private static final Duration VECTORS_WAIT = Duration.ofSeconds(10);

    private final ToolIndex index;
    private final Embedder embedder;
    /** Set by the first search: from then on rebuilds embed the tools. */
    private volatile boolean vectorsWanted;
    private final Feedback feedback;
    private final Reranker reranker;
    private final Supplier<Catalog> catalog;
    private final String excludedUpstream;
    private final AtomicBoolean rebuilding = new AtomicBoolean();
    private final AtomicBoolean embedding = new AtomicBoolean();
    /** Catalog changes seen, and the last one the index includes: searches wait (briefly) for the two to meet. */
    private final AtomicLong changes = new AtomicLong();
    private final ReentrantLock indexLock = new ReentrantLock();
    private final Condition indexed = indexLock.newCondition();
    private volatile long indexedChange;
    private final AtomicLong queries = new AtomicLong();
    private final long[] latencies = new long[LATENCY_WINDOW];
    private final AtomicLong latencyCount = new AtomicLong();

    /** {@code excludedUpstream}: the router's own meta-tools, which are never proposed. Words (BM25) only. */
    public ToolRouter(Supplier<Catalog> catalog, FeedbackRepository feedback, Reranker reranker, String excludedUpstream, Clock clock) {
        this(catalog, feedback, reranker, excludedUpstream, clock, null, null);
    }

    /**
     * @param embedder ranks by meaning as well as words; null for words only. Its model is loaded, and the tools
     *                 embedded, when the first search comes: a router never asked costs no memory for it.
     * @param vectors  the registry's store of tool vectors (nothing embedded twice across restarts and replicas), or
     *                 null to keep them in memory only
     */
    public ToolRouter(Supplier<Catalog> catalog, FeedbackRepository feedback, Reranker reranker, String excludedUpstream,
                      Clock clock, Embedder embedder, VectorRepository vectors) {
        this.embedder = embedder;
        this.index = new ToolIndex(clock, embedder, vectors);
        this.feedback = new Feedback(feedback);
        this.reranker = reranker;
        this.catalog = catalog;
        this.excludedUpstream = excludedUpstream;
    }

    /** Rebuilds from the current catalog, at once if idle, else right after the rebuild under way. */
    public void catalogChanged() {
        changes.incrementAndGet();
        startRebuilding();
    }

    /** One rebuilder at a time; it goes on while changes arrive faster than it indexes them. */
    private void startRebuilding() {
        if (!rebuilding.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("tool-router-index").start(() -> {
            try {
                long covered;
                while ((covered = changes.get()) > indexedChange) {
                    List<IndexedTool> tools = tools(catalog.get());
                    boolean embed = vectorsWanted;
                    // the change is searchable at once, new tools by their words; embedding them goes on apart
                    index.rebuild(tools, embed ? ToolIndex.Vectors.CACHED : ToolIndex.Vectors.NONE);
                    markIndexed(covered);
                    if (embed && !index.allEmbedded(tools)) {
                        startEmbedding();
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("rebuilding the tool index failed; searches use the previous one: {}", e.toString());
                markIndexed(changes.get());
            } finally {
                rebuilding.set(false);
                if (changes.get() > indexedChange) { // a change that arrived after the loop's last look
                    startRebuilding();
                }
            }
        });
    }

    /**
     * One embedder at a time: it embeds the catalog's tools that have no vector yet (the model's first use loads
     * it), then asks for a rebuild, which indexes them; it goes on while the catalog brings new ones.
     */
    private void startEmbedding() {
        if (!embedding.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("tool-router-embed").start(() -> {
            boolean passed = false;
            try {
                index.embed(tools(catalog.get())); // a tool that fails is noted and left to its words
                catalogChanged();
                passed = true;
            } catch (RuntimeException e) { // e.g. the registry unreachable: tried again at the next catalog change
                LOG.warn("embedding tools for the tool router failed; they are found by their words: {}", e.toString());
            } finally {
                embedding.set(false);
                // tools that came while this pass ran; after a failed pass, not at once (it would fail in a loop)
                if (passed && !index.allEmbedded(tools(catalog.get()))) {
                    startEmbedding();
                }
            }
        });
    }

    private void markIndexed(long change) {
        indexLock.lock();
        try {
            if (change > indexedChange) {
                indexedChange = change;
            }
            indexed.signalAll();
        } finally {
            indexLock.unlock();
        }
    }

    /**
     * A search that follows a catalog change (an upstream just connected, a tool was added) sees it: it waits for the
     * rebuild under way, at most {@link #FRESHNESS_WAIT}, then searches what there is.
     */
    private void awaitCurrentIndex() {
        long wanted = changes.get();
        if (indexedChange >= wanted) {
            return;
        }
        indexLock.lock();
        try {
            long remaining = FRESHNESS_WAIT.toNanos();
            while (indexedChange < wanted && remaining > 0) {
                remaining = indexed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            indexLock.unlock();
        }
    }

    /** Waits, at most {@link #VECTORS_WAIT}, until the index has vectors. */
    private void awaitVectors() {
        indexLock.lock();
        try {
            long remaining = VECTORS_WAIT.toNanos();
            while (!index.dense() && index.size() > 0 && remaining > 0) {
                remaining = indexed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            indexLock.unlock();
        }
    }

    /** Rebuilds now, on this thread (start-up, tests, benchmarks). */
    public void rebuildNow(List<IndexedTool> tools) {
        vectorsWanted = embedder != null;
        index.rebuild(tools, vectorsWanted ? ToolIndex.Vectors.ALL : ToolIndex.Vectors.NONE);
    }

    private List<IndexedTool> tools(Catalog current) {
        CatalogView all = current.view(Catalog.ALL);
        if (all == null) {
            return List.of();
        }
        List<IndexedTool> tools = new ArrayList<>(all.tools().size());
        for (ObjectNode definition : all.tools()) {
            String name = definition.path("name").asString("");
            Route route = all.tool(name);
            if (route == null || route.upstream().name().equals(excludedUpstream)) {
                continue;
            }
            List<String> tags = new ArrayList<>();
            JsonNode declared = definition.has("tags") ? definition.get("tags") : definition.path("_meta").path("tags");
            declared.forEach(t -> tags.add(t.asString()));
            tools.add(new IndexedTool(name, route.upstream().name(), definition, tags));
        }
        return tools;
    }

    /** The best tools for the task, best first, at most {@code limit} ({@value #MAX_LIMIT} at most). */
    public List<RankedTool> route(String task, String context, int limit) {
        if (embedder != null && !vectorsWanted) {
            vectorsWanted = true;
            catalogChanged(); // the first search loads the model and embeds the tools
            awaitCurrentIndex();
            awaitVectors(); // and waits for them a little, so that it is ranked as every later one is
        }
        return route(task, context, limit, null);
    }

    /** As {@link #route(String, String, int)}, ranked one given way (null: the index's best); for the evaluation. */
    List<RankedTool> route(String task, String context, int limit, ToolIndex.Ranking ranking) {
        awaitCurrentIndex();
        long start = System.nanoTime();
        int wanted = Math.max(1, Math.min(limit, MAX_LIMIT));
        int candidates = wanted * CANDIDATES_PER_RESULT;
        List<RankedTool> first = ranking == null ? index.search(task, context, candidates) : index.search(task, context, candidates, ranking);
        List<RankedTool> nudged = new ArrayList<>(first.size());
        for (RankedTool r : first) {
            nudged.add(r.withScore(r.score() * feedback.multiplier(r.tool().name())));
        }
        nudged.sort(Comparator.comparingDouble(RankedTool::score).reversed());
        List<RankedTool> result = reranker.rerank(task, nudged);
        result = result.size() > wanted ? List.copyOf(result.subList(0, wanted)) : result;
        long took = System.nanoTime() - start;
        latencies[(int) (latencyCount.getAndIncrement() % LATENCY_WINDOW)] = took;
        queries.incrementAndGet();
        return result;
    }

    public void recordFeedback(String tool, String task, boolean success) {
        feedback.record(tool, task, success);
    }

    /** For the evaluation: the same ranking with and without synonyms. */
    void useSynonyms(boolean on) {
        index.useSynonyms = on;
    }

    /** For the evaluation's sweep of the linear blend's weight. */
    void bm25Weight(double weight) {
        index.bm25Weight = weight;
    }

    /** Tools embedded of those waiting, while new tools are embedded; 0 of 0 otherwise. */
    public int[] embeddingProgress() {
        ToolIndex.Progress p = index.embedding();
        return new int[] {p.done(), p.total()};
    }

    /** True once searches rank by meaning as well as by words. */
    public boolean rankingByMeaning() {
        return index.dense();
    }

    public int indexSize() {
        return index.size();
    }

    public Instant lastUpdate() {
        return index.built();
    }

    public long lastBuildMillis() {
        return index.lastBuildMillis();
    }

    public long queriesServed() {
        return queries.get();
    }

    /** Latency percentile (0–100) over the last {@value #LATENCY_WINDOW} queries, in milliseconds; 0 before any. */
    public double latencyMillis(double percentile) {
        int n = (int) Math.min(latencyCount.get(), LATENCY_WINDOW);
        if (n == 0) {
            return 0;
        }
        long[] copy = Arrays.copyOf(latencies, n);
        Arrays.sort(copy);
        int at = (int) Math.min(n - 1, Math.ceil(percentile / 100.0 * n) - 1);
        return copy[Math.max(0, at)] / 1_000_000.0;
    }
}

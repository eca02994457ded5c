package dev.forge.router;

import dev.forge.store.VectorRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Every tool of the catalog in a Lucene index, rebuilt whole and swapped atomically when the catalog changes;
 * searches read the current snapshot without locking. Two rankings meet in it: BM25 over the tool's words (a query
 * word found in a tool's name, title, description or owning upstream counts double; in its tags one and a half; in
 * its parameters' names and descriptions a half) and, when an {@link Embedder} is given, the nearest tool vectors
 * to the task's (HNSW); {@link Ranking} says how they are combined. Weights chosen on the project's own evaluation
 * set, see docs/TOOL_ROUTER.md.
 */
final class ToolIndex {

    /** Field name → weight of a query word found there. */
    static final Map<String, Float> FIELDS = fields();
    private static final int MAX_QUERY_TERMS = 64;
    private static final float CONTEXT_WEIGHT = 0.5f;
    private static final float SYNONYM_WEIGHT = 0.4f;
    private static final String VECTOR = "vector";
    /** How many of each ranking's best are fused; well above any limit a client asks for. */
    private static final int CANDIDATES = 50;
    /** Reciprocal rank fusion's constant: a tool's share from one ranking is 1 / (K + its rank there). */
    private static final int RRF_K = 60;
    /** Failures in a row after which a pass stops: the model, not one text, is failing. */
    private static final int GIVE_UP_AFTER = 5;
    /** The most dimensions Lucene's HNSW vectors take. */
    private static final int MAX_DIMENSIONS = 1024;
    /** A first build this large reports its progress in the log. */
    private static final int LOG_PROGRESS_FROM = 200;
    private static final Logger LOG = LoggerFactory.getLogger(ToolIndex.class);

    /**
     * How a search ranks: words only, meaning only, both fused by reciprocal rank (HYBRID), or both blended linearly
     * (LINEAR: BM25 scaled by the best BM25 score of the query, weighted {@link #bm25Weight}, plus the cosine).
     */
    enum Ranking { BM25, DENSE, HYBRID, LINEAR }

    /** Whether query words bring their synonyms (package-private for the evaluation's with-and-without). */
    volatile boolean useSynonyms = true;

    /** LINEAR's weight of the scaled BM25 score against the cosine (package-private for the evaluation's sweep). */
    volatile double bm25Weight = 0.3;

    private static Map<String, Float> fields() {
        Map<String, Float> f = new LinkedHashMap<>();
        f.put("name", 2.0f);
        f.put("title", 2.0f);
        f.put("description", 2.0f);
        f.put("upstream", 2.0f);
        f.put("tags", 1.5f);
        f.put("params", 0.5f);
        return Map.copyOf(f);
    }

    /** One built index: searcher, the tools by document number, and each tool's terms per field. */
    private record Snapshot(IndexSearcher searcher, List<IndexedTool> tools, List<Map<String, Set<String>>> terms,
                            boolean dense, List<String> vectorKeys, int dimensions, Instant built, long buildMillis) {}

    private final ToolAnalyzer analyzer = new ToolAnalyzer();
    private final Synonyms synonyms = new Synonyms(analyzer);
    private final Clock clock;
    private final Embedder embedder;
    private final VectorCache cache;
    private volatile Snapshot snapshot;
    private volatile Progress embedding = new Progress(0, 0);
    private volatile long lastQueryFailureLog = System.nanoTime() - 60_000_000_000L;

    /**
     * @param embedder the model that gives tools and tasks their vectors, or null for words (BM25) only
     * @param store    where vectors are kept across restarts and replicas, or null for memory only
     */
    ToolIndex(Clock clock, Embedder embedder, VectorRepository store) {
        this.clock = clock;
        this.embedder = embedder;
        this.cache = new VectorCache(store);
        rebuild(List.of(), Vectors.NONE);
    }

    /** Which tools get a vector in a rebuild. */
    enum Vectors { NONE, CACHED, ALL }

    /**
     * Indexes these tools, replacing what was indexed; searches see the old index until the new one is ready.
     * @param vectors NONE: words only; CACHED: the vectors known already (a tool without one is found by its words
     *                until the next rebuild); ALL: every tool embedded (only the new or changed cost anything)
     */
    synchronized void rebuild(List<IndexedTool> tools, Vectors vectors) {
        long start = System.nanoTime();
        boolean withVectors = vectors != Vectors.NONE && embedder != null && !tools.isEmpty();
        boolean dense = false;
        boolean embeddedAll = true;
        int dimensions = 0;
        List<String> keys = withVectors ? (vectors == Vectors.ALL ? embed(tools) : loadVectors(tools)) : List.of();
        ByteBuffersDirectory directory = new ByteBuffersDirectory();
        List<Map<String, Set<String>>> terms = new ArrayList<>(tools.size());
        try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(analyzer).setRAMBufferSizeMB(64))) {
            for (IndexedTool tool : tools) {
                Map<String, String> text = texts(tool);
                Document doc = new Document();
                Map<String, Set<String>> toolTerms = new HashMap<>();
                text.forEach((field, value) -> {
                    doc.add(new TextField(field, value, Field.Store.NO));
                    toolTerms.put(field, new HashSet<>(analyzer.terms(value)));
                });
                if (withVectors) {
                    float[] vector = cache.cached(keys.get(terms.size()));
                    if (vector != null && (dimensions == 0 || vector.length == dimensions) && vector.length <= MAX_DIMENSIONS) {
                        dimensions = vector.length;
                        doc.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
                        dense = true;
                    } else {
                        embeddedAll = false;
                    }
                }
                doc.add(new NumericDocValuesField("n", terms.size()));
                writer.addDocument(doc);
                terms.add(toolTerms);
            }
            writer.commit();
            if (withVectors && embeddedAll) { // a complete set: what it does not name is no longer in the catalog
                cache.retain(Set.copyOf(keys));
            }
            IndexSearcher searcher = new IndexSearcher(DirectoryReader.open(directory));
            snapshot = new Snapshot(searcher, List.copyOf(tools), terms, dense, dense ? List.copyOf(keys) : List.of(),
                    dimensions, clock.instant(), (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The vector keys of these tools, in order, with what the registry holds of them brought into memory. */
    private List<String> loadVectors(List<IndexedTool> tools) {
        List<String> keys = new ArrayList<>(tools.size());
        for (IndexedTool tool : tools) {
            keys.add(VectorCache.key(embedder.model(), ToolText.of(tool)));
        }
        cache.load(keys);
        return keys;
    }

    /**
     * Gives every one of these tools a vector, embedding those no process has embedded before (the next rebuild
     * indexes them); returns their keys in order. Does nothing without a model. Not under the rebuild's lock: a
     * rebuild goes on meanwhile with the vectors there are.
     */
    List<String> embed(List<IndexedTool> tools) {
        if (embedder == null) {
            return List.of();
        }
        List<String> abouts = new ArrayList<>(tools.size());
        List<String> keys = new ArrayList<>(tools.size());
        for (IndexedTool tool : tools) {
            String about = ToolText.of(tool);
            abouts.add(about);
            keys.add(VectorCache.key(embedder.model(), about));
        }
        List<String> missing = cache.load(keys);
        if (!missing.isEmpty()) {
            embedMissing(abouts, keys, Set.copyOf(missing));
        }
        return keys;
    }

    /**
     * Embeds the tools no process has embedded before, saving them to the registry as it goes (a restart resumes
     * where it stopped), with its progress on {@link #embedding()} and in the log every ten seconds.
     */
    private void embedMissing(List<String> abouts, List<String> keys, Set<String> missing) {
        int total = missing.size();
        embedding = new Progress(0, total);
        long started = System.nanoTime();
        long lastLog = started;
        int done = 0;
        int failed = 0;
        int failedInARow = 0;
        Embedder fitting = fitting();
        if (total >= LOG_PROGRESS_FROM) {
            LOG.info("tool router: embedding {} tools ({} already embedded)", total, new HashSet<>(keys).size() - total);
        }
        try {
            for (int i = 0; i < keys.size(); i++) {
                if (missing.contains(keys.get(i)) && cache.cached(keys.get(i)) == null && !cache.failedLately(keys.get(i))) {
                    try {
                        cache.embed(fitting, keys.get(i), abouts.get(i));
                        failedInARow = 0;
                    } catch (RuntimeException e) { // this tool is found by its words; the others go on
                        cache.failed(keys.get(i));
                        if (failed++ == 0) {
                            LOG.warn("tool router: a tool could not be embedded; it is found by its words only: {}", e.getMessage());
                        }
                        if (++failedInARow == GIVE_UP_AFTER) { // the model itself fails: leave the rest for later
                            keys.stream().filter(missing::contains).filter(k -> cache.cached(k) == null).forEach(cache::failed);
                            LOG.warn("tool router: {} embeddings failed in a row; the rest of this pass is left for later", GIVE_UP_AFTER);
                            break;
                        }
                    }
                    embedding = new Progress(++done, total);
                    if (total >= LOG_PROGRESS_FROM && System.nanoTime() - lastLog > 10_000_000_000L) {
                        lastLog = System.nanoTime();
                        LOG.info("tool router: embedded {} of {} tools", done, total);
                    }
                }
            }
        } finally {
            cache.flush(embedder.model());
            embedding = new Progress(0, 0);
        }
        if (total >= LOG_PROGRESS_FROM) {
            LOG.info("tool router: embedded {} tools in {} s", done - failed, (System.nanoTime() - started) / 1_000_000_000);
        }
        if (failed > 1) {
            LOG.warn("tool router: {} tools could not be embedded (tried again in ten minutes, at a catalog change)", failed);
        }
    }

    /**
     * A vector the index can take: Lucene's HNSW takes at most {@value #MAX_DIMENSIONS} dimensions, and every vector
     * of one index the same number. One that does not fit is refused here, so a rebuild never fails on it.
     */
    private Embedder fitting() {
        return new Embedder() {
            @Override
            public String model() {
                return embedder.model();
            }

            @Override
            public float[] embed(String text) {
                float[] vector = embedder.embed(text);
                if (vector.length > MAX_DIMENSIONS) {
                    throw new IllegalStateException(embedder.model() + " gives vectors of " + vector.length + " dimensions; the index"
                            + " takes at most " + MAX_DIMENSIONS + " (choose a smaller model, or one that shortens its vectors)");
                }
                return vector;
            }
        };
    }

    /** How far the embedding of new tools has come: {@code done} of {@code total}; 0 of 0 when nothing is under way. */
    record Progress(int done, int total) {}

    Progress embedding() {
        return embedding;
    }

    /** True once the tools have vectors: searches rank by meaning as well as by words. */
    boolean dense() {
        return snapshot.dense();
    }

    /** True if every one of these tools has its vector already: a rebuild with all of them costs no embedding. */
    boolean allEmbedded(List<IndexedTool> tools) {
        return embedder == null || tools.stream().map(t -> VectorCache.key(embedder.model(), ToolText.of(t)))
                .allMatch(k -> cache.cached(k) != null || cache.failedLately(k));
    }

    /** The best {@code limit} tools for a task, ranked by words and meaning together when the index has vectors. */
    List<RankedTool> search(String task, String context, int limit) {
        return search(task, context, limit, snapshot.dense() ? Ranking.LINEAR : Ranking.BM25);
    }

    /**
     * The best {@code limit} tools for a task, best first: by its words (the task's count fully, the context's half),
     * by the meaning of the task and context, or both fused by reciprocal rank.
     */
    List<RankedTool> search(String task, String context, int limit, Ranking ranking) {
        Snapshot s = snapshot;
        if (s.tools().isEmpty() || limit <= 0) {
            return List.of();
        }
        if (ranking != Ranking.BM25 && !s.dense()) {
            ranking = Ranking.BM25;
        }
        try {
            float[] meaning = s.dense() ? taskVector(s, task, context) : null;
            Map<String, Float> words = words(task, context);
            ScoreDoc[] hits = switch (ranking) {
                case BM25 -> bm25(s, words, limit);
                case DENSE -> nearest(s, meaning, limit);
                case HYBRID -> fused(List.of(bm25(s, words, CANDIDATES), nearest(s, meaning, CANDIDATES)), limit);
                case LINEAR -> blended(bm25(s, words, CANDIDATES), nearest(s, meaning, CANDIDATES), limit);
            };
            return ranked(s, hits, words, meaning);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The task's and context's words, with their weights and synonyms: what BM25 looks for. */
    private Map<String, Float> words(String task, String context) {
        Map<String, Float> weights = new LinkedHashMap<>();
        analyzer.terms(task).forEach(t -> weights.merge(t, 1.0f, Math::max));
        if (context != null && !context.isBlank()) {
            analyzer.terms(context).forEach(t -> weights.merge(t, CONTEXT_WEIGHT, Math::max));
        }
        for (String term : useSynonyms ? List.copyOf(weights.keySet()) : List.<String>of()) {
            float base = weights.get(term);
            synonyms.of(term).forEach(alt -> weights.merge(alt, base * SYNONYM_WEIGHT, Math::max));
        }
        return weights;
    }

    private ScoreDoc[] bm25(Snapshot s, Map<String, Float> weights, int limit) throws IOException {
        if (weights.isEmpty()) {
            return new ScoreDoc[0];
        }
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        weights.entrySet().stream().limit(MAX_QUERY_TERMS).forEach(e -> FIELDS.forEach((field, boost) ->
                query.add(new BoostQuery(new TermQuery(new Term(field, e.getKey())), boost * e.getValue()), BooleanClause.Occur.SHOULD)));
        return s.searcher().search(query.build(), limit).scoreDocs;
    }

    /** The task's vector, or null (ranked by words alone) when it is blank or the model fails. */
    private float[] taskVector(Snapshot s, String task, String context) {
        String text = context == null || context.isBlank() ? task : task + "\n" + context;
        if (text.isBlank()) {
            return null;
        }
        try {
            float[] vector = embedder.embed(text);
            return vector.length == s.dimensions() ? vector : null;
        } catch (RuntimeException e) {
            long now = System.nanoTime();
            if (now - lastQueryFailureLog > 60_000_000_000L) { // at most once a minute: a model down fails every query
                lastQueryFailureLog = now;
                LOG.warn("tool router: the task could not be embedded, ranked by words only: {}", e.getMessage());
            }
            return null;
        }
    }

    private ScoreDoc[] nearest(Snapshot s, float[] meaning, int limit) throws IOException {
        if (meaning == null) {
            return new ScoreDoc[0];
        }
        Query query = new KnnFloatVectorQuery(VECTOR, meaning, Math.min(limit, s.tools().size()));
        return s.searcher().search(query, limit).scoreDocs;
    }

    /**
     * Reciprocal rank fusion: each ranking gives a tool 1 / (K + rank); the sums order the result. It needs no
     * calibration between BM25's unbounded scores and cosine similarities, which is why it is the default.
     */
    private static ScoreDoc[] fused(List<ScoreDoc[]> rankings, int limit) {
        Map<Integer, Float> scores = new HashMap<>();
        for (ScoreDoc[] ranking : rankings) {
            for (int rank = 0; rank < ranking.length; rank++) {
                scores.merge(ranking[rank].doc, 1f / (RRF_K + rank + 1), Float::sum);
            }
        }
        return scores.entrySet().stream()
                .sorted(Map.Entry.<Integer, Float>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(limit)
                .map(e -> new ScoreDoc(e.getKey(), e.getValue()))
                .toArray(ScoreDoc[]::new);
    }

    /** BM25 over its best score, times {@link #bm25Weight}, plus the cosine (Lucene's (1 + cos) / 2 turned back). */
    private ScoreDoc[] blended(ScoreDoc[] words, ScoreDoc[] meaning, int limit) {
        Map<Integer, Float> scores = new HashMap<>();
        float best = words.length == 0 ? 1 : words[0].score;
        for (ScoreDoc hit : words) {
            scores.merge(hit.doc, (float) (bm25Weight * hit.score / best), Float::sum);
        }
        for (ScoreDoc hit : meaning) {
            scores.merge(hit.doc, (float) ((1 - bm25Weight) * (2 * hit.score - 1)), Float::sum);
        }
        scores.replaceAll((doc, score) -> Math.max(0f, score)); // a negative score would turn feedback's nudge around
        return scores.entrySet().stream()
                .sorted(Map.Entry.<Integer, Float>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(limit)
                .map(e -> new ScoreDoc(e.getKey(), e.getValue()))
                .toArray(ScoreDoc[]::new);
    }

    private List<RankedTool> ranked(Snapshot s, ScoreDoc[] hits, Map<String, Float> weights, float[] meaning) throws IOException {
        List<RankedTool> ranked = new ArrayList<>(hits.length);
        // the good-match threshold was chosen with the in-process model; another model's cosines are not judged by it
        boolean calibrated = embedder != null && MiniLmEmbedder.MODEL.equals(embedder.model());
        for (ScoreDoc hit : hits) {
            int n = toolNumber(s.searcher(), hit.doc);
            List<String> matched = new ArrayList<>();
            s.terms().get(n).forEach((field, fieldTerms) -> {
                if (weights.keySet().stream().anyMatch(fieldTerms::contains)) {
                    matched.add(field);
                }
            });
            matched.sort(java.util.Comparator.comparing(f -> -FIELDS.get(f)));
            float[] vector = meaning == null ? null : cache.cached(s.vectorKeys().get(n));
            double similarity = vector == null || vector.length != meaning.length ? Double.NaN
                    : dev.forge.router.Vectors.dot(meaning, vector);
            ranked.add(new RankedTool(s.tools().get(n), hit.score, matched, similarity, calibrated));
        }
        return ranked;
    }

    /** Which tool a document is: read from doc values, which cost far less per hit than stored fields. */
    private static int toolNumber(IndexSearcher searcher, int doc) throws IOException {
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        NumericDocValues numbers = leaf.reader().getNumericDocValues("n");
        numbers.advanceExact(doc - leaf.docBase);
        return (int) numbers.longValue();
    }

    int size() {
        return snapshot.tools().size();
    }

    Instant built() {
        return snapshot.built();
    }

    long lastBuildMillis() {
        return snapshot.buildMillis();
    }

    /** The text of each field for one tool. */
    static Map<String, String> texts(IndexedTool tool) {
        JsonNode d = tool.definition();
        Map<String, String> text = new LinkedHashMap<>();
        text.put("name", bareName(tool));
        text.put("title", (d.path("title").asString("") + " " + d.path("annotations").path("title").asString("")).trim());
        text.put("tags", String.join(" ", tool.tags()));
        text.put("description", d.path("description").asString(""));
        StringBuilder params = new StringBuilder();
        d.path("inputSchema").path("properties").properties().forEach(p ->
                params.append(p.getKey()).append(' ').append(p.getValue().path("description").asString("")).append(' '));
        text.put("params", params.toString().trim());
        text.put("upstream", tool.upstream());
        return text;
    }

    /** The tool's own name, without the upstream's prefix that namespacing put before it. */
    static String bareName(IndexedTool tool) {
        String name = tool.name();
        if (name.startsWith(tool.upstream())) {
            int i = tool.upstream().length();
            while (i < name.length() && !Character.isLetterOrDigit(name.charAt(i))) {
                i++;
            }
            return name.substring(i);
        }
        return name;
    }
}

package dev.forge.router;

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
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import tools.jackson.databind.JsonNode;

/**
 * Every tool of the catalog in a Lucene index (BM25), rebuilt whole and swapped atomically when the catalog changes;
 * searches read the current snapshot without locking. A query word found in a tool's name, title, description or
 * owning upstream counts double; in its tags one and a half; in its parameters' names and descriptions a half
 * (weights chosen on the evaluation set, see docs/TOOL_ROUTER.md).
 */
final class ToolIndex {

    /** Field name → weight of a query word found there. */
    static final Map<String, Float> FIELDS = fields();
    private static final int MAX_QUERY_TERMS = 64;
    private static final float CONTEXT_WEIGHT = 0.5f;
    private static final float SYNONYM_WEIGHT = 0.4f;

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
                            Instant built, long buildMillis) {}

    private final ToolAnalyzer analyzer = new ToolAnalyzer();
    private final Synonyms synonyms = new Synonyms(analyzer);
    private final Clock clock;
    private volatile Snapshot snapshot;

    ToolIndex(Clock clock) {
        this.clock = clock;
        rebuild(List.of());
    }

    /** Indexes these tools, replacing what was indexed; searches see the old index until the new one is ready. */
    synchronized void rebuild(List<IndexedTool> tools) {
        long start = System.nanoTime();
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
                doc.add(new NumericDocValuesField("n", terms.size()));
                writer.addDocument(doc);
                terms.add(toolTerms);
            }
            writer.commit();
            IndexSearcher searcher = new IndexSearcher(DirectoryReader.open(directory));
            snapshot = new Snapshot(searcher, List.copyOf(tools), terms, clock.instant(), (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The best {@code limit} tools for a task (its words count fully, the context's half), best first. */
    List<RankedTool> search(String task, String context, int limit) {
        Snapshot s = snapshot;
        if (s.tools().isEmpty() || limit <= 0) {
            return List.of();
        }
        Map<String, Float> weights = new LinkedHashMap<>();
        analyzer.terms(task).forEach(t -> weights.merge(t, 1.0f, Math::max));
        if (context != null && !context.isBlank()) {
            analyzer.terms(context).forEach(t -> weights.merge(t, CONTEXT_WEIGHT, Math::max));
        }
        for (String term : List.copyOf(weights.keySet())) {
            float base = weights.get(term);
            synonyms.of(term).forEach(alt -> weights.merge(alt, base * SYNONYM_WEIGHT, Math::max));
        }
        if (weights.isEmpty()) {
            return List.of();
        }
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        weights.entrySet().stream().limit(MAX_QUERY_TERMS).forEach(e -> FIELDS.forEach((field, boost) ->
                query.add(new BoostQuery(new TermQuery(new Term(field, e.getKey())), boost * e.getValue()), BooleanClause.Occur.SHOULD)));
        try {
            TopDocs top = s.searcher().search(query.build(), limit);
            List<RankedTool> ranked = new ArrayList<>(top.scoreDocs.length);
            for (ScoreDoc hit : top.scoreDocs) {
                int n = toolNumber(s.searcher(), hit.doc);
                List<String> matched = new ArrayList<>();
                s.terms().get(n).forEach((field, fieldTerms) -> {
                    if (weights.keySet().stream().anyMatch(fieldTerms::contains)) {
                        matched.add(field);
                    }
                });
                matched.sort(java.util.Comparator.comparing(f -> -FIELDS.get(f)));
                ranked.add(new RankedTool(s.tools().get(n), hit.score, matched));
            }
            return ranked;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

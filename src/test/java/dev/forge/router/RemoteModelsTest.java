package dev.forge.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.forge.config.RemoteModel;
import dev.forge.protocol.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The router's optional model endpoints. No embedding or re-ranking server can run here, so a stand-in on loopback
 * answers in their documented shapes (OpenAI's and Ollama's embeddings, the /v1/rerank shape) with a toy model:
 * what is tested is Forge's side — the requests it sends, the answers it reads, the key, and what a failure does.
 */
class RemoteModelsTest {

    static HttpServer server;
    static String base;
    static final AtomicReference<String> lastAuthorization = new AtomicReference<>();
    static final AtomicReference<JsonNode> lastBody = new AtomicReference<>();
    static volatile boolean flakyDown;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/embeddings", x -> answer(x, openAi(read(x))));
        server.createContext("/api/embed", x -> answer(x, ollama(read(x))));
        server.createContext("/v1/rerank", x -> answer(x, rerank(read(x))));
        server.createContext("/wide/v1/embeddings", x -> { // a model with more dimensions than the index takes
            read(x);
            ObjectNode answer = Json.object();
            var embedding = answer.putArray("data").addObject().putArray("embedding");
            for (int i = 0; i < 1536; i++) {
                embedding.add(i % 7 == 0 ? 1.0 : 0.0);
            }
            answer(x, answer);
        });
        server.createContext("/flaky/v1/embeddings", x -> {
            JsonNode body = read(x);
            if (flakyDown) {
                x.sendResponseHeaders(503, -1);
                x.close();
                return;
            }
            answer(x, openAi(body));
        });
        server.createContext("/broken", x -> {
            read(x);
            byte[] text = "model not loaded".getBytes();
            x.sendResponseHeaders(503, text.length);
            x.getResponseBody().write(text);
            x.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    static JsonNode read(HttpExchange x) throws IOException {
        lastAuthorization.set(x.getRequestHeaders().getFirst("Authorization"));
        JsonNode body = Json.parse(x.getRequestBody().readAllBytes());
        lastBody.set(body);
        return body;
    }

    static void answer(HttpExchange x, JsonNode body) throws IOException {
        byte[] bytes = Json.bytes(body);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(200, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    /** The toy model: how often each letter occurs. */
    static float[] letters(String text) {
        float[] v = new float[26];
        for (char c : text.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c >= 'a' && c <= 'z') {
                v[c - 'a']++;
            }
        }
        return v;
    }

    static JsonNode openAi(JsonNode request) {
        ObjectNode answer = Json.object();
        var embedding = answer.putArray("data").addObject().putArray("embedding");
        for (float f : letters(request.path("input").asString())) {
            embedding.add(f);
        }
        return answer;
    }

    static JsonNode ollama(JsonNode request) {
        ObjectNode answer = Json.object();
        var embedding = answer.putArray("embeddings").addArray();
        for (float f : letters(request.path("input").asString())) {
            embedding.add(f);
        }
        return answer;
    }

    /** The toy re-ranker: documents that contain more of the query's words first. */
    static JsonNode rerank(JsonNode request) {
        String[] words = request.path("query").asString().toLowerCase(Locale.ROOT).split("\\W+");
        List<double[]> scored = new ArrayList<>();
        for (int i = 0; i < request.path("documents").size(); i++) {
            String doc = request.path("documents").get(i).asString().toLowerCase(Locale.ROOT);
            double score = 0;
            for (String w : words) {
                score += !w.isEmpty() && doc.contains(w) ? 1 : 0;
            }
            scored.add(new double[] {i, score});
        }
        scored.sort((a, b) -> Double.compare(b[1], a[1]));
        ObjectNode answer = Json.object();
        var results = answer.putArray("results");
        scored.forEach(s -> results.addObject().put("index", (int) s[0]).put("relevance_score", s[1]));
        return answer;
    }

    static IndexedTool tool(String name, String description) {
        ObjectNode d = Json.object();
        d.put("name", name);
        d.put("description", description);
        return new IndexedTool(name, "demo", d, List.of());
    }

    @Test
    void anOpenAiCompatibleEndpointEmbedsWithTheModelAndKeyGiven() {
        RemoteEmbedder embedder = new RemoteEmbedder(new RemoteModel(URI.create(base + "/v1/embeddings"), "toy", "sk-test"));
        float[] v = embedder.embed("abba");
        assertThat(v).hasSize(26);
        assertThat(v[0]).isCloseTo((float) Math.sqrt(0.5), org.assertj.core.data.Offset.offset(1e-5f)); // unit length
        assertThat(lastAuthorization.get()).isEqualTo("Bearer sk-test");
        assertThat(lastBody.get().path("model").asString()).isEqualTo("toy");
        assertThat(embedder.model()).contains("toy").contains(base);
    }

    @Test
    void ollamasOwnShapeIsReadToo() {
        RemoteEmbedder embedder = new RemoteEmbedder(new RemoteModel(URI.create(base + "/api/embed"), "nomic", null));
        assertThat(embedder.embed("zz")[25]).isEqualTo(1f);
        assertThat(lastAuthorization.get()).isNull();
    }

    @Test
    void aFailingEndpointIsNamedWithItsAnswerAndNeverItsKey() {
        RemoteEmbedder embedder = new RemoteEmbedder(new RemoteModel(URI.create(base + "/broken"), "toy", "sk-secret-123"));
        assertThatThrownBy(() -> embedder.embed("x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(base + "/broken").hasMessageContaining("503").hasMessageContaining("model not loaded")
                .hasMessageNotContaining("sk-secret-123");
    }

    @Test
    void credentialsInTheEndpointsAddressNeverReachAMessage() {
        RemoteEmbedder embedder = new RemoteEmbedder(new RemoteModel(URI.create(
                "http://user:pa55word@127.0.0.1:" + server.getAddress().getPort() + "/broken?api_key=s3cret"), "toy", null));
        assertThatThrownBy(() -> embedder.embed("x")).hasMessageNotContaining("pa55word").hasMessageNotContaining("s3cret")
                .hasMessageContaining("/broken");
        assertThat(embedder.model()).doesNotContain("pa55word").doesNotContain("s3cret");
    }

    static List<IndexedTool> tools() {
        return List.of(tool("send_mail", "Send an email to someone"), tool("get_weather", "Tell the weather forecast for a city"),
                tool("list_files", "List the files in a folder"));
    }

    @Test
    void aModelWithTooManyDimensionsLeavesTheIndexToWordsAndStillFollowingTheCatalog() {
        ToolIndex index = new ToolIndex(java.time.Clock.systemUTC(),
                new RemoteEmbedder(new RemoteModel(URI.create(base + "/wide/v1/embeddings"), "wide", null)), null);
        index.rebuild(tools(), ToolIndex.Vectors.ALL);
        assertThat(index.dense()).isFalse();
        assertThat(index.allEmbedded(tools())).as("failures noted: no pass loops on them").isTrue();
        List<IndexedTool> more = new ArrayList<>(tools());
        more.add(tool("read_file", "Read a file"));
        index.rebuild(more, ToolIndex.Vectors.CACHED);
        assertThat(index.search("read a file", null, 3)).extracting(r -> r.tool().name()).startsWith("read_file");
    }

    @Test
    void whenTheEmbeddingEndpointGoesDownSearchesAreRankedByWords() {
        flakyDown = false;
        ToolIndex index = new ToolIndex(java.time.Clock.systemUTC(),
                new RemoteEmbedder(new RemoteModel(URI.create(base + "/flaky/v1/embeddings"), "toy", null)), null);
        index.rebuild(tools(), ToolIndex.Vectors.ALL);
        assertThat(index.dense()).isTrue();
        flakyDown = true;
        try {
            List<RankedTool> found = index.search("weather forecast", null, 3);
            assertThat(found).extracting(r -> r.tool().name()).startsWith("get_weather");
            assertThat(found.getFirst().similarity()).isNaN(); // judged by words alone
        } finally {
            flakyDown = false;
        }
    }

    @Test
    void theRerankerReordersTheCandidatesAndAFailureKeepsTheFirstStagesOrder() {
        List<RankedTool> first = List.of(new RankedTool(tool("send_mail", "Send an email"), 3, List.of()),
                new RankedTool(tool("get_weather", "Tell the weather forecast for a city"), 2, List.of()),
                new RankedTool(tool("list_files", "List the files in a folder"), 1, List.of()));
        RemoteReranker reranker = new RemoteReranker(new RemoteModel(URI.create(base + "/v1/rerank"), "toy-rerank", null));
        List<RankedTool> reranked = reranker.rerank("what is the weather forecast in Paris", first);
        assertThat(reranked).extracting(r -> r.tool().name()).startsWith("get_weather").hasSize(3);
        assertThat(lastBody.get().path("documents").size()).isEqualTo(3);
        assertThat(lastBody.get().path("documents").get(1).asString()).contains("weather forecast"); // what the tool is
        RemoteReranker broken = new RemoteReranker(new RemoteModel(URI.create(base + "/broken"), "toy-rerank", null));
        assertThat(broken.rerank("weather", first)).isEqualTo(first);
    }
}

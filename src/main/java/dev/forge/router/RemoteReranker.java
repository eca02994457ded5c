package dev.forge.router;

import dev.forge.config.RemoteModel;
import dev.forge.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The second stage on an endpoint ({@code TOOL_ROUTER_RERANK_URL}): the candidates go to a re-ranking model (a
 * cross-encoder reads task and tool together) in the {@code /v1/rerank} shape that Cohere, Jina, vLLM, text-embeddings-
 * inference and llama.cpp serve: {@code {"model", "query", "documents", "top_n"}} → {@code results[{index,
 * relevance_score}]}. If it fails, the first stage's order stands: a router answers without it.
 */
public final class RemoteReranker implements Reranker {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteReranker.class);
    /** Candidates sent: the first stage's best; beyond these it rarely reorders anything that matters. */
    private static final int MAX_CANDIDATES = 30;

    private final RemoteCall call;

    public RemoteReranker(RemoteModel endpoint) {
        this.call = new RemoteCall(endpoint);
    }

    @Override
    public List<RankedTool> rerank(String task, List<RankedTool> candidates) {
        if (candidates.size() < 2) {
            return candidates;
        }
        List<RankedTool> sent = candidates.subList(0, Math.min(candidates.size(), MAX_CANDIDATES));
        ObjectNode body = Json.object();
        body.put("model", call.model());
        body.put("query", task);
        body.put("top_n", sent.size());
        ArrayNode documents = body.putArray("documents");
        sent.forEach(r -> documents.add(ToolText.of(r.tool())));
        try {
            JsonNode results = call.post(body).path("results");
            List<RankedTool> reordered = new ArrayList<>(candidates.size());
            boolean[] taken = new boolean[sent.size()];
            for (JsonNode result : results) {
                int index = result.path("index").asInt(-1);
                if (index >= 0 && index < sent.size() && !taken[index]) {
                    taken[index] = true;
                    reordered.add(sent.get(index).withScore(result.path("relevance_score").asDouble()));
                }
            }
            for (int i = 0; i < sent.size(); i++) { // any it left out keep their order, after those it ranked
                if (!taken[i]) {
                    reordered.add(sent.get(i));
                }
            }
            reordered.addAll(candidates.subList(sent.size(), candidates.size()));
            return reordered;
        } catch (IllegalStateException e) {
            LOG.warn("re-ranking failed, the first stage's order stands: {}", e.getMessage());
            return candidates;
        }
    }
}

package dev.forge.router;

import dev.forge.config.RemoteModel;
import dev.forge.protocol.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Embeddings from an endpoint instead of the in-process model ({@code TOOL_ROUTER_EMBEDDINGS_URL}): the
 * OpenAI-compatible {@code /v1/embeddings} ({@code {"model", "input"}} → {@code data[0].embedding}), which Ollama
 * serves too, or Ollama's own {@code /api/embed} (→ {@code embeddings[0]}).
 */
public final class RemoteEmbedder implements Embedder {

    private final RemoteCall call;

    public RemoteEmbedder(RemoteModel endpoint) {
        this.call = new RemoteCall(endpoint);
    }

    /** The endpoint is part of the name: the same model name elsewhere may be another model. */
    @Override
    public String model() {
        return "remote:" + call.model() + "@" + call.where();
    }

    @Override
    public float[] embed(String text) {
        ObjectNode body = Json.object();
        body.put("model", call.model());
        body.put("input", text);
        JsonNode answer = call.post(body);
        JsonNode vector = answer.path("data").path(0).path("embedding");
        if (!vector.isArray()) {
            vector = answer.path("embeddings").path(0);
        }
        if (!vector.isArray() || vector.isEmpty()) {
            throw new IllegalStateException(call.where() + " answered without an embedding (expected data[0].embedding or embeddings[0])");
        }
        float[] v = new float[vector.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) vector.get(i).asDouble();
        }
        return Vectors.unit(v);
    }
}

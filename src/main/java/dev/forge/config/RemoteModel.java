package dev.forge.config;

import java.net.URI;

/**
 * A model served over HTTP that the tool router may use instead of, or after, its own.
 *
 * @param url   the endpoint: {@code …/v1/embeddings} (OpenAI-compatible, also Ollama's) or {@code …/api/embed}
 *              (Ollama) for embeddings, {@code …/v1/rerank} (the Cohere/Jina shape) for re-ranking
 * @param model the model's name as the endpoint knows it
 * @param key   sent as {@code Authorization: Bearer KEY}, or null
 */
public record RemoteModel(URI url, String model, String key) {

    @Override
    public String toString() { // the key never reaches a log
        return "RemoteModel[url=" + url + ", model=" + model + ", key=" + (key == null ? "none" : "set") + "]";
    }
}

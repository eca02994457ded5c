package dev.forge.router;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tool vectors by the hash of the model and the text they were made from: a rebuild embeds only the tools that are
 * new or changed, and a tool that comes back (an upstream reconnects) costs nothing.
 */
final class VectorCache {

    private final Map<String, float[]> vectors = new ConcurrentHashMap<>();

    /** The vector of this text under this model, embedded now if it is not cached. */
    float[] vector(Embedder embedder, String text) {
        return vectors.computeIfAbsent(key(embedder.model(), text), k -> embedder.embed(text));
    }

    /** The vector cached under this key, or null. */
    float[] cached(String key) {
        return vectors.get(key);
    }

    /** Keeps only what these keys name: the cache follows the catalog, it does not grow with its history. */
    void retain(java.util.Set<String> keys) {
        vectors.keySet().retainAll(keys);
    }

    int size() {
        return vectors.size();
    }

    static String key(String model, String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(model.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

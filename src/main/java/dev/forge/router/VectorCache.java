package dev.forge.router;

import dev.forge.store.VectorRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tool vectors by the hash of the model and the text they were made from, in memory and, when given one, in the
 * registry: a rebuild embeds only the tools that are new or changed, and a restart or another replica only what no
 * process has embedded before.
 */
final class VectorCache {

    /** Vectors written to the registry per transaction while a large catalog is embedded. */
    private static final int SAVE_EVERY = 100;

    private final Map<String, float[]> vectors = new ConcurrentHashMap<>();
    private final VectorRepository store;
    private final Map<String, float[]> unsaved = new HashMap<>();
    /** Texts that failed, by when; retried after ten minutes (at the next catalog change after that). */
    private final Map<String, Long> failures = new ConcurrentHashMap<>();
    private static final long RETRY_FAILED_AFTER_NANOS = 600_000_000_000L;

    /** @param store the registry's table, or null to keep vectors in memory only */
    VectorCache(VectorRepository store) {
        this.store = store;
    }

    /** Brings what the registry holds of these keys into memory; returns the keys still without a vector. */
    List<String> load(Collection<String> keys) {
        List<String> missing = keys.stream().filter(k -> !vectors.containsKey(k)).distinct().toList();
        if (store != null && !missing.isEmpty()) {
            vectors.putAll(store.find(missing));
            missing = missing.stream().filter(k -> !vectors.containsKey(k)).toList();
        }
        return missing;
    }

    /** The vector cached under this key, or null. */
    float[] cached(String key) {
        return vectors.get(key);
    }

    /** Embeds one text and keeps its vector; it reaches the registry with the next {@link #flush} or in a batch. */
    synchronized float[] embed(Embedder embedder, String key, String text) {
        float[] vector = vectors.get(key);
        if (vector == null) {
            vector = embedder.embed(text);
            vectors.put(key, vector);
            unsaved.put(key, vector);
            if (unsaved.size() >= SAVE_EVERY) {
                flush(embedder.model());
            }
        }
        return vector;
    }

    /** Writes what was embedded since the last flush to the registry; if that fails they stay in memory only. */
    synchronized void flush(String model) {
        try {
            if (store != null && !unsaved.isEmpty()) {
                store.save(model, new HashMap<>(unsaved));
            }
        } finally {
            unsaved.clear(); // bounded either way: what did not reach the registry is embedded again after a restart
        }
    }

    /** Notes a text that could not be embedded: it is not tried again for a while, the tool found by its words. */
    void failed(String key) {
        failures.put(key, System.nanoTime());
    }

    /** True if this key failed lately (within ten minutes). */
    boolean failedLately(String key) {
        Long at = failures.get(key);
        if (at == null) {
            return false;
        }
        if (System.nanoTime() - at > RETRY_FAILED_AFTER_NANOS) {
            failures.remove(key);
            return false;
        }
        return true;
    }

    /** Keeps in memory only what these keys name, and tells the registry they are in use. */
    void retain(Set<String> keys) {
        vectors.keySet().retainAll(keys);
        failures.keySet().retainAll(keys);
        if (store != null) {
            store.used(keys);
        }
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

package dev.forge.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * The tool router's embeddings in the registry, by content key (the SHA-256 of model and text): what one process
 * embedded, a restart or another replica reads instead of embedding again.
 */
public final class VectorRepository {

    /** Keys per statement: well under what either database takes in one IN list. */
    private static final int CHUNK = 500;
    /** A vector no catalog has used for this long is dropped. */
    private static final Duration KEPT_UNUSED = Duration.ofDays(7);
    /** Its use is written down at most this often, so a rebuild does not rewrite every row. */
    private static final Duration TOUCH_EVERY = Duration.ofDays(1);

    private final Jdbi jdbi;
    private final Clock clock;

    public VectorRepository(Database database, Clock clock) {
        this.jdbi = database.jdbi();
        this.clock = clock;
    }

    /** The stored vectors among these keys. */
    public Map<String, float[]> find(Collection<String> keys) {
        Map<String, float[]> found = new HashMap<>();
        for (List<String> chunk : chunks(keys)) {
            jdbi.useHandle(h -> h.createQuery("SELECT key, vector FROM tool_vectors WHERE key IN (<keys>)")
                    .bindList("keys", chunk)
                    .map((rs, ctx) -> Map.entry(rs.getString("key"), decode(rs.getString("vector"))))
                    .forEach(e -> found.put(e.getKey(), e.getValue())));
        }
        return found;
    }

    /** Stores these vectors (a key already stored keeps its row: the same key means the same text and model). */
    public void save(String model, Map<String, float[]> vectors) {
        if (vectors.isEmpty()) {
            return;
        }
        String now = clock.instant().toString();
        jdbi.useTransaction(h -> {
            var batch = h.prepareBatch("INSERT INTO tool_vectors (key, model, vector, used_at) VALUES (:key, :model, :vector, :at) "
                    + "ON CONFLICT (key) DO NOTHING");
            vectors.forEach((key, vector) -> batch.bind("key", key).bind("model", model).bind("vector", encode(vector))
                    .bind("at", now).add());
            batch.execute();
        });
    }

    /** Marks these keys used (at most once a day each) and drops what has gone unused for a week. */
    public void used(Collection<String> keys) {
        Instant now = clock.instant();
        String stale = now.minus(TOUCH_EVERY).toString();
        for (List<String> chunk : chunks(keys)) {
            jdbi.useHandle(h -> h.createUpdate("UPDATE tool_vectors SET used_at = :now WHERE key IN (<keys>) AND used_at < :stale")
                    .bind("now", now.toString()).bind("stale", stale).bindList("keys", chunk).execute());
        }
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM tool_vectors WHERE used_at < :before")
                .bind("before", now.minus(KEPT_UNUSED).toString()).execute());
    }

    public long count() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM tool_vectors").mapTo(Long.class).one());
    }

    private static List<List<String>> chunks(Collection<String> keys) {
        List<String> all = new ArrayList<>(keys);
        List<List<String>> chunks = new ArrayList<>();
        for (int i = 0; i < all.size(); i += CHUNK) {
            chunks.add(all.subList(i, Math.min(all.size(), i + CHUNK)));
        }
        return chunks;
    }

    static String encode(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    static float[] decode(String text) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(text)).order(ByteOrder.LITTLE_ENDIAN);
        float[] vector = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(vector);
        return vector;
    }
}

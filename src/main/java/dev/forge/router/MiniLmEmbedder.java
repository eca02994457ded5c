package dev.forge.router;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * all-MiniLM-L6-v2 (quantized, 384 dimensions), run in this process by ONNX Runtime from the model inside its Maven
 * package: no network, no service to run. Loaded at the first text it embeds, since it costs memory (see
 * docs/TOOL_ROUTER.md) that a Forge whose router is never asked should not pay.
 */
public final class MiniLmEmbedder implements Embedder {

    public static final String MODEL = "all-minilm-l6-v2-q";

    /** One per process, however many routers ask: the model is read-only and costs memory once. */
    private static volatile AllMiniLmL6V2QuantizedEmbeddingModel model;

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public float[] embed(String text) {
        float[] vector = loaded().embed(text).content().vector();
        return Vectors.unit(vector);
    }

    private static AllMiniLmL6V2QuantizedEmbeddingModel loaded() {
        AllMiniLmL6V2QuantizedEmbeddingModel m = model;
        if (m == null) {
            synchronized (MiniLmEmbedder.class) {
                m = model;
                if (m == null) {
                    // the tokenizer's library comes out of its jar into a folder of this process's own (not the
                    // home folder, which a container may not let it write), and nothing is looked up online
                    System.setProperty("DJL_CACHE_DIR", nativeFolder().toString());
                    System.setProperty("ai.djl.offline", "true");
                    m = new AllMiniLmL6V2QuantizedEmbeddingModel();
                    model = m;
                }
            }
        }
        return m;
    }

    /** A folder of this process's own for the unpacked library, removed when the process ends. */
    private static Path nativeFolder() {
        try {
            Path folder = Files.createTempDirectory("forge-tokenizer-");
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
                try (var files = Files.walk(folder)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException | UncheckedIOException e) {
                    // best effort: the folder is in the temporary directory
                }
            }));
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("the embedding model's tokenizer has no folder to unpack into: " + e.getMessage(), e);
        }
    }
}

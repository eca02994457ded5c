package dev.forge.router;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * all-MiniLM-L6-v2 (quantized, 384 dimensions), run in this process by ONNX Runtime from the model inside its Maven
 * package: no network, no service to run. Loaded at the first text it embeds, since it costs memory (see
 * docs/TOOL_ROUTER.md) that a Forge whose router is never asked should not pay; {@link #close} gives it back.
 */
public final class MiniLmEmbedder implements Embedder {

    public static final String MODEL = "all-minilm-l6-v2-q";
    private static final String MODEL_FILE = "/all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER_FILE = "/all-minilm-l6-v2-q-tokenizer.json";

    private final ReentrantReadWriteLock inUse = new ReentrantReadWriteLock();
    private volatile Model model;
    private boolean closed;
    private String loadFailure;

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public float[] embed(String text) {
        // closing waits for the texts under way: a session closed under a running inference would crash the process
        inUse.readLock().lock();
        try {
            return Vectors.unit(loaded().embed(text).content().vector());
        } finally {
            inUse.readLock().unlock();
        }
    }

    private Model loaded() {
        Model m = model;
        if (m == null) {
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("the embedding model is closed");
                }
                if (loadFailure != null) { // tried once: a model that cannot load is not loaded again per text
                    throw new IllegalStateException(loadFailure);
                }
                m = model;
                if (m == null) {
                    try {
                        m = new Model();
                    } catch (RuntimeException | LinkageError e) {
                        // e.g. a temporary folder mounted noexec, where ONNX Runtime unpacks its library
                        loadFailure = "the embedding model could not be loaded (" + e + "); the router ranks by words."
                                + " Give java.io.tmpdir a folder that allows running code, or set TOOL_ROUTER_EMBEDDINGS=off";
                        throw new IllegalStateException(loadFailure, e);
                    }
                    model = m;
                }
            }
        }
        return m;
    }

    /** Closes the model's ONNX Runtime session, if it was loaded; later texts are refused. */
    @Override
    public void close() {
        inUse.writeLock().lock();
        try {
            synchronized (this) {
                closed = true;
                if (model != null) {
                    model.close();
                    model = null;
                }
            }
        } finally {
            inUse.writeLock().unlock();
        }
    }

    /**
     * The model with ONNX Runtime set for a gateway, not a batch job: one thread per text and no spinning (a query is
     * a few milliseconds of work; a pool of spinning threads only takes cores from the requests), and no memory
     * arena kept for the largest input seen.
     */
    private static final class Model extends AbstractInProcessEmbeddingModel {
        private final OnnxBertBiEncoder encoder;
        private final OrtSession session;

        Model() {
            super(Runnable::run); // embedAll on the caller's thread: the router embeds one text at a time
            // the tokenizer's library comes out of its jar into a folder of this process's own (not the home folder,
            // which a container may not let it write), and nothing is looked up online
            if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
                System.setProperty("DJL_CACHE_DIR", NativeFolder.PATH.toString());
            }
            if (System.getProperty("ai.djl.offline") == null) {
                System.setProperty("ai.djl.offline", "true");
            }
            try (InputStream modelBytes = resource(MODEL_FILE); InputStream tokenizer = resource(TOKENIZER_FILE);
                 OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(1);
                options.setInterOpNumThreads(1);
                options.setCPUArenaAllocator(false);
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
                OrtEnvironment environment = OrtEnvironment.getEnvironment();
                this.session = environment.createSession(modelBytes.readAllBytes(), options);
                this.encoder = new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN);
            } catch (IOException e) {
                throw new UncheckedIOException("the embedding model could not be read: " + e.getMessage(), e);
            } catch (OrtException e) {
                throw new IllegalStateException("the embedding model could not be loaded: " + e.getMessage(), e);
            }
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }

        void close() {
            try {
                session.close();
            } catch (OrtException e) {
                // the session's native memory is given back or lost with the process either way
            }
        }

        private static InputStream resource(String name) throws IOException {
            InputStream in = AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream(name);
            if (in == null) {
                throw new IOException(name + " is not on the class path");
            }
            return in;
        }
    }

    /** A folder of this process's own for the unpacked library, made once, removed when the process ends. */
    private static final class NativeFolder {
        static final Path PATH = nativeFolder();
    }

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

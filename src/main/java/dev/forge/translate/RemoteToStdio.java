package dev.forge.translate;

import dev.forge.config.MaskedUrl;
import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import dev.forge.upstream.RemoteEndpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code forge translate --connect-streamable-http URL}: a remote MCP endpoint (this gateway, say) served as a local
 * stdio server, for clients that only start processes. Each line from stdin goes to the remote on its own virtual
 * thread — a long call never holds up the client's next message, its cancellation, or its answer to a question the
 * remote asked — and everything the remote sends comes out on stdout, one message per line.
 */
public final class RemoteToStdio {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteToStdio.class);

    private final boolean sse;
    private final URI url;
    private final Map<String, String> headers;
    private final Duration timeout;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Map<JsonNode, Boolean> initializeIds = new ConcurrentHashMap<>();
    private OutputStream out;
    /** Set once connected; the remote's answer to initialize cannot arrive before. */
    private volatile RemoteEndpoint remote;

    public RemoteToStdio(boolean sse, URI url, Map<String, String> headers, Duration timeout) {
        this.sse = sse;
        this.url = url;
        this.headers = Map.copyOf(headers);
        this.timeout = timeout;
    }

    /** Relays until stdin ends (the client went away); then closes the remote session. Returns the exit code. */
    public int run(InputStream in, OutputStream stdout) throws Exception {
        this.out = stdout;
        HttpClient http = new HttpClient();
        http.setConnectTimeout(timeout.toMillis());
        http.setIdleTimeout(timeout.plusMinutes(5).toMillis());
        http.start();
        try {
            remote = RemoteEndpoint.open(sse, url, headers, http, timeout, timeout, this::fromRemote,
                    reason -> LOG.debug("remote {} closed: {}", MaskedUrl.of(url), MaskedUrl.inText(reason)),
                    (id, failure) -> write(Message.error(id, dev.forge.dispatch.Failures.toError(failure)).node()));
        } catch (RuntimeException e) {
            System.err.println("forge translate: cannot connect to " + MaskedUrl.of(url) + ": " + MaskedUrl.inText(e.getMessage()));
            http.stop();
            return 1;
        }
        // a client that stops us with SIGTERM rather than by closing stdin still gets its remote session ended
        RemoteEndpoint connected = remote;
        Thread hook = new Thread(connected::close, "forge-translate-close");
        Runtime.getRuntime().addShutdownHook(hook);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                ObjectNode message;
                try {
                    message = (ObjectNode) Json.parse(line);
                } catch (RuntimeException e) {
                    write(Message.error(null, new JsonRpcError(JsonRpcError.PARSE_ERROR, "Parse error: " + e.getMessage())).node());
                    continue;
                }
                if ("initialize".equals(message.path("method").asString(null)) && message.hasNonNull("id")) {
                    initializeIds.put(message.get("id"), Boolean.TRUE);
                }
                toRemote(message); // returns at once: the answer comes back through fromRemote
            }
        } finally {
            boolean stopping;
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
                stopping = false;
            } catch (IllegalStateException e) {
                stopping = true; // a signal ended us: the hook is closing the session, with the client still running
            }
            if (!stopping) {
                connected.close();
                http.stop();
            }
        }
        return 0;
    }

    private void toRemote(ObjectNode message) {
        try {
            remote.send(message);
        } catch (RuntimeException e) {
            JsonNode id = message.get("id");
            if (id != null && !id.isNull() && message.has("method")) { // a request: the client waits for an answer
                write(Message.error(id, dev.forge.dispatch.Failures.toError(e)).node()); // the detail goes to the log
            } else {
                LOG.warn("forge translate: could not pass a message to {}: {}", MaskedUrl.of(url), MaskedUrl.inText(e.getMessage()));
            }
        }
    }

    private void fromRemote(ObjectNode message) {
        JsonNode id = message.get("id");
        if (id != null && !message.has("method") && initializeIds.remove(id) != null) {
            String version = message.path("result").path("protocolVersion").asString(null);
            write(message);
            if (version != null) {
                // the client's initialized notification may be on its way; the remote's stream opens alongside
                Thread.ofVirtual().name("translate-stream").start(() -> remote.initialized(version));
            }
            return;
        }
        write(message);
    }


    private void write(ObjectNode message) {
        byte[] bytes = Json.bytes(message);
        writeLock.lock();
        try {
            out.write(bytes);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            LOG.debug("stdout closed: {}", e.getMessage());
        } finally {
            writeLock.unlock();
        }
    }
}

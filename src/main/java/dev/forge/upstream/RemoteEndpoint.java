package dev.forge.upstream;

import dev.forge.config.UpstreamLimits;
import dev.forge.protocol.RawResult;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.eclipse.jetty.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One raw MCP connection to a remote endpoint, for code that relays messages as they are (the translate bridge):
 * no id remapping, no initialize of its own — whoever sends through it speaks the protocol.
 */
public final class RemoteEndpoint implements AutoCloseable {

    private final UpstreamTransport transport;

    private RemoteEndpoint(UpstreamTransport transport) {
        this.transport = transport;
    }

    /**
     * {@code sse}: the legacy HTTP+SSE transport; otherwise Streamable HTTP. Messages from the remote go to onMessage;
     * a request that could not be delivered or answered goes to onFailed with its id.
     */
    public static RemoteEndpoint open(boolean sse, URI url, Map<String, String> headers, HttpClient http, Duration connectTimeout,
                                      Duration timeout, Consumer<ObjectNode> onMessage, Consumer<String> onClosed,
                                      BiConsumer<JsonNode, RuntimeException> onFailed) {
        int limit = UpstreamLimits.DEFAULTS.maxMessageBytes();
        UpstreamTransport transport = sse
                ? new SseTransport("remote", url, http, headers, connectTimeout, timeout, limit)
                : new StreamableHttpTransport("remote", url, http, headers, timeout, limit);
        transport.start(new UpstreamTransport.Listener() {
            @Override
            public void onMessage(ObjectNode message) {
                RawResult.materialize(message); // what the bridge hands on, it reads (the protocol version) and rewrites
                onMessage.accept(message);
            }

            @Override
            public void onClosed(String reason) {
                onClosed.accept(reason);
            }

            @Override
            public void onFailed(JsonNode id, UpstreamException failure) {
                if (id != null) {
                    onFailed.accept(id, failure);
                }
            }
        });
        return new RemoteEndpoint(transport);
    }

    /** Sends one message without waiting; its answer arrives on onMessage. */
    public void send(ObjectNode message) {
        transport.send(message);
    }

    /** After the remote answered initialize: opens its stream for messages of its own. */
    public void initialized(String protocolVersion) {
        transport.initialized(protocolVersion);
    }

    @Override
    public void close() {
        transport.close();
    }
}

package dev.forge.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.client.HttpClient;
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

    /** {@code sse}: the legacy HTTP+SSE transport; otherwise Streamable HTTP. Messages from the remote go to onMessage. */
    public static RemoteEndpoint open(boolean sse, URI url, Map<String, String> headers, HttpClient http, Duration connectTimeout,
                                      Duration timeout, Consumer<ObjectNode> onMessage, Consumer<String> onClosed) {
        UpstreamTransport transport = sse
                ? new SseTransport("remote", url, http, headers, connectTimeout, timeout)
                : new StreamableHttpTransport("remote", url, http, headers, timeout);
        transport.start(new UpstreamTransport.Listener() {
            @Override
            public void onMessage(ObjectNode message) {
                onMessage.accept(message);
            }

            @Override
            public void onClosed(String reason) {
                onClosed.accept(reason);
            }
        });
        return new RemoteEndpoint(transport);
    }

    /** Sends one message; blocks the calling (virtual) thread until the remote has answered it, if it answers. */
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

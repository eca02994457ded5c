package dev.forge.upstream;

import dev.forge.protocol.Json;
import dev.forge.protocol.ProtocolVersions;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which era a new Streamable HTTP upstream speaks, asked as MCP 2026-07-28 says a client should: {@code server/discover}
 * first. A discover result that offers a revision we speak makes it modern; an "unsupported version" error that
 * names one we speak gets one more try with it; anything else — an error, a refusal, a result of another shape — is
 * a legacy server's answer, and the connection goes on with {@code initialize}. Only a refusal to let us in
 * (401, 403) or no answer at all ends the connection attempt.
 */
final class EraProbe {

    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);
    /** The longest the era question is waited on. */
    static final Duration PATIENCE = Duration.ofSeconds(5);

    private final String name;
    private final UpstreamClient client;
    private final StreamableHttpTransport transport;
    private final Duration timeout;

    EraProbe(String name, UpstreamClient client, StreamableHttpTransport transport, Duration timeout) {
        this.name = name;
        this.client = client;
        this.transport = transport;
        this.timeout = timeout;
    }

    /** True (and the connection set up for the modern era) if the server speaks it; false, and nothing changed, if not. */
    boolean modern(ObjectNode capabilities, ObjectNode info, SharedConnection shared) {
        String version = ProtocolVersions.MODERN.getFirst();
        for (int attempt = 0; attempt < 2; attempt++) {
            transport.speak(new ModernDress(version, capabilities, info));
            JsonNode answer = discover();
            JsonNode result = answer.get("result");
            if (result != null && result.path("supportedVersions").isArray()) {
                String agreed = shared(result.path("supportedVersions"));
                if (agreed != null) {
                    if (!agreed.equals(version)) {
                        transport.speak(new ModernDress(agreed, capabilities, info));
                    }
                    if (shared != null) {
                        shared.agreed(agreed, result.path("_meta").get("io.modelcontextprotocol/serverInfo") instanceof ObjectNode s ? s : null,
                                result.get("capabilities") instanceof ObjectNode c ? c : Json.object());
                    }
                    transport.initialized(agreed);
                    LOG.info("upstream {}: speaks MCP {} (the modern era: no session)", name, agreed);
                    return true;
                }
            }
            JsonNode error = answer.path("error");
            String retry = error.path("code").asInt() == dev.forge.protocol.JsonRpcError.UNSUPPORTED_PROTOCOL_VERSION
                    ? shared(error.path("data").path("supported")) : null;
            if (retry == null || retry.equals(version)) {
                break;
            }
            version = retry;
        }
        transport.speak(null);
        return false;
    }

    /** The newest modern revision both sides speak, or null. */
    private static String shared(JsonNode versions) {
        for (String ours : ProtocolVersions.MODERN) {
            for (JsonNode theirs : versions) {
                if (ours.equals(theirs.asString(""))) {
                    return ours;
                }
            }
        }
        return null;
    }

    /** The answer to server/discover: a result, an error, or (for a refusal with no JSON-RPC body) an empty object. */
    private JsonNode discover() {
        try {
            // a legacy server may leave a method it does not know unanswered: it is not kept waiting on for long
            return client.call("server/discover", Json.object(), timeout.compareTo(PATIENCE) < 0 ? timeout : PATIENCE).join();
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof UpstreamException u) || u.httpStatus() == 401 || u.httpStatus() == 403
                    || String.valueOf(u.getMessage()).contains("cannot reach")) {
                throw e.getCause() instanceof RuntimeException r ? r : e; // not there, or not letting us in: no era to find
            }
            String message = u.getMessage();
            int body = message == null ? -1 : message.indexOf('{');
            if (body >= 0) {
                try {
                    return Json.parse(message.substring(body)); // a 4xx with a JSON-RPC error: the era may be in it
                } catch (RuntimeException notJson) {
                    // a legacy server's own words
                }
            }
            return Json.object();
        }
    }
}

package dev.forge.dispatch;

import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.JsonRpcException;
import dev.forge.upstream.UpstreamException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/** The one mapping from internal failures to the JSON-RPC errors clients see. */
public final class Failures {

    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

    private Failures() {}

    public static JsonRpcError toError(Throwable failure) {
        Throwable t = unwrap(failure);
        return switch (t) {
            case JsonRpcException e -> e.error();
            case UpstreamException e -> upstreamFailure(e);
            case TimeoutException e -> new JsonRpcError(JsonRpcError.REQUEST_TIMEOUT, "Request timed out");
            case CancellationException e -> new JsonRpcError(JsonRpcError.REQUEST_TIMEOUT, "Request cancelled");
            default -> { // the client gets a reference to quote, the log gets the rest
                String reference = UpstreamException.newReference();
                LOG.error("unexpected failure, reference {}", reference, t);
                yield new JsonRpcError(JsonRpcError.INTERNAL_ERROR, "Internal error (reference " + reference + ")");
            }
        };
    }

    /**
     * The client learns the upstream, the kind of failure and a reference to quote; the detail (URLs masked, the
     * upstream's own error body) is logged under that reference and shown in {@code /health} to admins.
     */
    private static JsonRpcError upstreamFailure(UpstreamException e) {
        LOG.warn("upstream failure, reference {}: {}", e.reference(), e.getMessage());
        ObjectNode data = Json.object();
        data.put("upstream", e.upstream());
        data.put("failure", e.kind().code());
        if (e.httpStatus() > 0) {
            data.put("status", e.httpStatus());
        }
        data.put("reference", e.reference());
        return new JsonRpcError(JsonRpcError.UPSTREAM_UNAVAILABLE, e.clientMessage(), data);
    }

    /** As {@link #toError(Throwable)}, naming the upstream a timeout happened on. */
    public static JsonRpcError toError(Throwable failure, String upstream, java.time.Duration timeout) {
        if (unwrap(failure) instanceof TimeoutException) {
            String reference = UpstreamException.newReference();
            LOG.warn("upstream {} did not answer within {} ms, reference {}", upstream, timeout.toMillis(), reference);
            ObjectNode data = Json.object();
            data.put("upstream", upstream);
            data.put("failure", UpstreamException.Kind.TIMED_OUT.code());
            data.put("reference", reference);
            return new JsonRpcError(JsonRpcError.REQUEST_TIMEOUT, "Request timed out: upstream '" + upstream
                    + "' did not answer within " + timeout.toMillis() + " ms (reference " + reference + ")", data);
        }
        return toError(failure);
    }

    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}

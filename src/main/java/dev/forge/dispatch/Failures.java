package dev.forge.dispatch;

import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.JsonRpcException;
import dev.forge.upstream.UpstreamException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one mapping from internal failures to the JSON-RPC errors clients see. */
public final class Failures {

    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

    private Failures() {}

    public static JsonRpcError toError(Throwable failure) {
        Throwable t = unwrap(failure);
        return switch (t) {
            case JsonRpcException e -> e.error();
            case UpstreamException e -> new JsonRpcError(JsonRpcError.UPSTREAM_UNAVAILABLE, e.getMessage());
            case TimeoutException e -> new JsonRpcError(JsonRpcError.REQUEST_TIMEOUT, "Request timed out");
            case CancellationException e -> new JsonRpcError(JsonRpcError.REQUEST_TIMEOUT, "Request cancelled");
            default -> {
                LOG.error("unexpected failure", t);
                yield new JsonRpcError(JsonRpcError.INTERNAL_ERROR, "Internal error: " + t.getClass().getSimpleName());
            }
        };
    }

    /** As {@link #toError(Throwable)}, naming the upstream a timeout happened on. */
    public static JsonRpcError toError(Throwable failure, String upstream, java.time.Duration timeout) {
        if (unwrap(failure) instanceof TimeoutException) {
            return new JsonRpcError(JsonRpcError.REQUEST_TIMEOUT,
                    "Request timed out: upstream '" + upstream + "' did not answer within " + timeout.toMillis() + " ms");
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

package dev.forge.upstream;

import dev.forge.protocol.Json;
import dev.forge.protocol.RawResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a call ended, read for the gateway's own calls (initialize, lists, pings): its result, or an
 * {@link UpstreamException} naming the upstream and the method.
 */
final class CallOutcome {

    private CallOutcome() {}

    /** Waits (on the calling virtual thread) for the answer and returns its result; an error answer throws. */
    static ObjectNode result(String upstream, CompletableFuture<ObjectNode> future, String method) {
        ObjectNode response;
        try {
            response = future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TimeoutException) {
                throw new UpstreamException(upstream, UpstreamException.Kind.TIMED_OUT, method + " timed out", cause);
            }
            throw cause instanceof UpstreamException u ? u
                    : new UpstreamException(upstream, UpstreamException.Kind.UNREACHABLE, method + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(upstream, UpstreamException.Kind.UNREACHABLE, "interrupted", e);
        }
        JsonNode error = response.get("error");
        if (error != null) {
            throw new UpstreamException(upstream, UpstreamException.Kind.REFUSED,
                    method + " failed: " + error.path("message").asString("error " + error.path("code")));
        }
        return RawResult.materialize(response) instanceof ObjectNode o ? o : Json.object();
    }

    /** The failure itself, unwrapped from the {@link CompletionException}s that futures put around it. */
    static Throwable rootCause(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** A failure's message, or its type's name when it has none. */
    static String messageOf(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}

package dev.forge.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import tools.jackson.databind.node.ObjectNode;

/**
 * A child of the current request's span: one call to an upstream (kind client), or a wait on the way (kind
 * internal: a sleeping service woken). Made from the thread's OpenTelemetry context, so it exists only inside a
 * traced request; elsewhere it is {@link #NONE} and costs a thread-local read.
 */
public final class UpstreamSpan implements AutoCloseable {

    public static final UpstreamSpan NONE = new UpstreamSpan(null);

    private final Span span;

    private UpstreamSpan(Span span) {
        this.span = span;
    }

    /** A call to {@code upstream}, child of the current request's span. */
    public static UpstreamSpan call(String upstream, String method, String transport) {
        Tracing tracing = Context.current().get(Tracing.KEY);
        if (tracing == null) {
            return NONE;
        }
        return new UpstreamSpan(tracing.tracer.spanBuilder(method + " " + upstream).setSpanKind(SpanKind.CLIENT)
                .setAttribute("mcp.method.name", method)
                .setAttribute("forge.upstream", upstream)
                .setAttribute("forge.upstream.transport", transport)
                .startSpan());
    }

    /** A wait inside the current request (ended by {@link #close}). */
    public static UpstreamSpan waiting(String what, String upstream) {
        Tracing tracing = Context.current().get(Tracing.KEY);
        if (tracing == null) {
            return NONE;
        }
        return new UpstreamSpan(tracing.tracer.spanBuilder(what).setSpanKind(SpanKind.INTERNAL)
                .setAttribute("forge.upstream", upstream).startSpan());
    }

    /**
     * Puts this span's W3C {@code traceparent} (and {@code tracestate}) in the message's {@code params._meta}, in place
     * of a client's: the upstream's work is this call's child. A transport that has headers sends them there too.
     */
    public void inject(ObjectNode message) {
        if (span == null) {
            return;
        }
        ObjectNode params = message.get("params") instanceof ObjectNode p ? p : message.putObject("params");
        ObjectNode meta = params.get("_meta") instanceof ObjectNode m ? m : params.putObject("_meta");
        meta.remove("tracestate");
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), meta, (carrier, key, value) -> carrier.put(key, value));
    }

    /** Ends the span when the call does (nothing to wait for without a span: the hot path allocates nothing). */
    public void endWith(java.util.concurrent.CompletableFuture<ObjectNode> call) {
        if (span != null) {
            call.whenComplete(this::end);
        }
    }

    /** Ends the call's span: with the JSON-RPC error it answered, or the failure that ended it, if any. */
    public void end(ObjectNode response, Throwable failure) {
        if (span == null) {
            return;
        }
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
        } else if (response != null && response.get("error") instanceof ObjectNode error) {
            span.setAttribute("rpc.jsonrpc.error_code", error.path("code").asLong());
            span.setStatus(StatusCode.ERROR, error.path("message").asString(""));
        }
        span.end();
    }

    @Override
    public void close() {
        if (span != null) {
            span.end();
        }
    }
}

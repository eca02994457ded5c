package dev.forge.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.slf4j.MDC;

/**
 * The span of one MCP request as Forge serves it. While {@link #enter entered} on a thread it is that thread's
 * current span (upstream calls made there become its children) and its trace id is in the log lines written there.
 */
public final class RequestSpan {

    /** What tracing off gives: does nothing. */
    public static final RequestSpan NONE = new RequestSpan(null, null);
    /** The MDC keys log lines carry. */
    public static final String TRACE_ID = "trace_id";
    public static final String SPAN_ID = "span_id";

    private final Tracing tracing;
    private final Span span;

    RequestSpan(Tracing tracing, Span span) {
        this.tracing = tracing;
        this.span = span;
    }

    public RequestSpan attribute(String key, String value) {
        if (span != null && value != null) {
            span.setAttribute(key, value);
        }
        return this;
    }

    /** Makes this the thread's current span until the returned scope closes (with the log lines' trace id). */
    public Scope enter() {
        if (span == null) {
            return Scope.noop();
        }
        Scope scope = Context.current().with(span).with(Tracing.KEY, tracing).makeCurrent();
        String traceBefore = MDC.get(TRACE_ID);
        String spanBefore = MDC.get(SPAN_ID);
        MDC.put(TRACE_ID, span.getSpanContext().getTraceId());
        MDC.put(SPAN_ID, span.getSpanContext().getSpanId());
        return () -> {
            restore(TRACE_ID, traceBefore);
            restore(SPAN_ID, spanBefore);
            scope.close();
        };
    }

    /** Ends the span with the request's outcome: {@code ok}, or an error with its JSON-RPC code and message. */
    public void end(String outcome, Integer errorCode, String errorMessage) {
        if (span == null) {
            return;
        }
        span.setAttribute("forge.outcome", outcome);
        if (errorCode != null) {
            span.setAttribute("rpc.jsonrpc.error_code", errorCode.longValue());
            span.setStatus(StatusCode.ERROR, errorMessage == null ? "" : errorMessage);
        }
        span.end();
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}

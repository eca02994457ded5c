package dev.forge.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import dev.forge.protocol.Json;
import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/** One JSON object per log event, with the fields log pipelines expect. */
final class JsonLineLayout extends LayoutBase<ILoggingEvent> {

    @Override
    public String doLayout(ILoggingEvent event) {
        ObjectNode line = Json.object();
        line.put("timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString());
        line.put("level", event.getLevel().toString());
        line.put("logger", event.getLoggerName());
        line.put("thread", event.getThreadName());
        line.put("message", event.getFormattedMessage());
        java.util.Map<String, String> mdc = mdcOf(event);
        if (mdc.get("trace_id") != null) {
            line.put("trace_id", mdc.get("trace_id"));
            line.put("span_id", mdc.get("span_id"));
        }
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.put("exception", ThrowableProxyUtil.asString(thrown));
        }
        return Json.text(line) + "\n";
    }

    /** The event's MDC; none for an event made outside a logger context (logback then has no MDC adapter to ask). */
    private static java.util.Map<String, String> mdcOf(ILoggingEvent event) {
        try {
            java.util.Map<String, String> mdc = event.getMDCPropertyMap();
            return mdc == null ? java.util.Map.of() : mdc;
        } catch (NullPointerException noAdapter) {
            return java.util.Map.of();
        }
    }
}

package dev.forge.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.forge.protocol.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class JsonLineLayoutTest {

    @Test
    void eachEventIsOneJsonObjectOnOneLine() {
        LoggerContext context = new LoggerContext();
        LoggingEvent event = new LoggingEvent("x", context.getLogger("upstream.memory"), Level.WARN,
                "line {} with \"quotes\"\nand a newline", new IllegalStateException("boom"), new Object[] {1});
        String line = new JsonLineLayout().doLayout(event);
        assertThat(line).endsWith("\n").doesNotContain("\n\n");
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode json = Json.parse(line);
        assertThat(json.get("level").asString()).isEqualTo("WARN");
        assertThat(json.get("logger").asString()).isEqualTo("upstream.memory");
        assertThat(json.get("message").asString()).isEqualTo("line 1 with \"quotes\"\nand a newline");
        assertThat(json.get("exception").asString()).contains("IllegalStateException: boom");
    }

    @Test
    void aLineWrittenInsideATracedRequestNamesItsTrace() {
        LoggerContext context = new LoggerContext();
        ch.qos.logback.classic.util.LogbackMDCAdapter mdc = new ch.qos.logback.classic.util.LogbackMDCAdapter();
        context.setMDCAdapter(mdc);
        mdc.put("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
        mdc.put("span_id", "00f067aa0ba902b7");
        try {
            LoggingEvent event = new LoggingEvent("x", context.getLogger("dispatch"), Level.INFO, "answered", null, null);
            JsonNode json = Json.parse(new JsonLineLayout().doLayout(event));
            assertThat(json.path("trace_id").asString()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(json.path("span_id").asString()).isEqualTo("00f067aa0ba902b7");
        } finally {
            mdc.clear();
        }
    }
}

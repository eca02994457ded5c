package dev.forge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.POJONode;

/** Answers passed on as the bytes they came as, and everything else read into trees as before. */
class WireMessagesTest {

    private static JsonNode read(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return WireMessages.read(bytes, 0, bytes.length);
    }

    private static boolean raw(JsonNode message) {
        return message.get("result") instanceof POJONode pojo && pojo.getPojo() instanceof RawResult;
    }

    @Test
    void aPlainAnswersResultIsWrittenOutByteForByteWithOnlyTheIdNew() {
        // spacing, key order, escapes and number forms a tree would normalise all survive
        String result = "{\"content\":[{\"type\":\"text\",\"text\":\"h\\u00e9llo \\\"w\\\"\"}],  \"n\":1.50e3,\"_meta\":{\"x\":[]}}";
        JsonNode message = read("{\"result\":" + result + ",\"jsonrpc\":\"2.0\",\"id\":42}");

        assertThat(raw(message)).isTrue();
        assertThat(message.get("id").asLong()).isEqualTo(42);
        ((ObjectNode) message).put("id", "client-7");
        assertThat(Json.text(message)).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":\"client-7\",\"result\":" + result + "}");
        assertThat(new String(Json.bytes(message), StandardCharsets.UTF_8))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":\"client-7\",\"result\":" + result + "}");
    }

    @Test
    void aMessageInTheMiddleOfALargerBufferIsCutAtItsOwnBounds() {
        String message = "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"a\":\"b\"}}";
        byte[] buffer = ("xxxxx" + message + "yyyy").getBytes(StandardCharsets.UTF_8);
        JsonNode read = WireMessages.read(buffer, 5, message.length());
        assertThat(raw(read)).isTrue();
        assertThat(Json.text(read)).isEqualTo(message);
        buffer[20] = 'z'; // the parser's buffer is reused for the next message: the answer must not change with it
        assertThat(Json.text(read)).isEqualTo(message);
    }

    @Test
    void aToolsFailureIsSeenWithoutBuildingItsTreeButAnIsErrorFurtherDownIsNot() {
        assertThat(RawResult.isToolError((ObjectNode) read("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[],\"isError\":true}}"))).isTrue();
        assertThat(RawResult.isToolError((ObjectNode) read("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"isError\":false}}"))).isFalse();
        ObjectNode nested = (ObjectNode) read("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"structuredContent\":{\"isError\":true}}}");
        assertThat(raw(nested)).isTrue();
        assertThat(RawResult.isToolError(nested)).isFalse();
        // and a result that is a tree already answers the same
        assertThat(RawResult.isToolError((ObjectNode) Json.parse("{\"result\":{\"isError\":true}}"))).isTrue();
    }

    @Test
    void materializingBuildsTheTreeOnceAndInPlace() {
        ObjectNode message = (ObjectNode) read("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[{\"name\":\"echo\"}]}}");
        JsonNode result = RawResult.materialize(message);
        assertThat(result.path("tools").get(0).path("name").asString()).isEqualTo("echo");
        assertThat(raw(message)).isFalse();
        assertThat(RawResult.materialize(message)).isSameAs(result);
    }

    @Test
    void everythingButAPlainAnswerIsATreeAsBefore() {
        String[] trees = {
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"no\"}}",                    // an error
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progress\":1}}",       // a notification
            "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"sampling/createMessage\",\"params\":{}}",             // a request
            "{\"jsonrpc\":\"2.0\",\"id\":\"s-1\",\"result\":{}}",                                            // an id not ours
            "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"result\":{}}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"extra\":true}",                                   // a field to carry
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[1,2]}",                                               // not an object
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\n  \"a\": 1\n}}",                                     // lines: SSE-unsafe
            "{\"id\":1,\"result\":{}}",                                                                       // no version
            "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}]",                                                // a batch
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"isError\":true,\"isError\":false}}",             // read two ways
        };
        for (String text : trees) {
            JsonNode message = read(text);
            assertThat(raw(message)).as(text).isFalse();
            assertThat(message).as(text).isEqualTo(Json.parse(text));
        }
    }

    @Test
    void bytesThatAreNotJsonAreRefusedAsBeforeNotPassedOn() {
        assertThatThrownBy(() -> read("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"a\" 1}}")).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> read("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"a\":\"line\nbreak\"}}")).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> read("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"a\":1}")).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> read("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"a\":1}} trailing")).isInstanceOf(RuntimeException.class);
    }
}

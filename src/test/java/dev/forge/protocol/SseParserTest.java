package dev.forge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SSE parser against streams cut at every byte, as a network may deliver them. */
class SseParserTest {

    record Seen(String type, String id, String data) {}

    private static List<Seen> parse(byte[] stream, int chunkSize) {
        SseParser parser = new SseParser(1024);
        List<Seen> seen = new ArrayList<>();
        for (int i = 0; i < stream.length; i += chunkSize) {
            parser.feed(ByteBuffer.wrap(stream, i, Math.min(chunkSize, stream.length - i)),
                    (type, id, data, length) -> seen.add(new Seen(type, id, new String(data, 0, length, StandardCharsets.UTF_8))));
        }
        return seen;
    }

    @Test
    void everyLineEndingEveryChunkingAndTheFieldFormsGiveTheSameEvents() {
        String text = "\uFEFF: a comment\r\nevent: endpoint\r\ndata: /message?s=1\r\n\r\n"
                + "id: 7\rdata:{\"a\":1}\rdata: {\"b\":2}\r\r"
                + "event:\ndata: plain\n\n"
                + "id: 8\n\n"
                + "id\ndata: after reset\n\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<Seen> whole = parse(bytes, bytes.length);
        assertThat(whole).containsExactly(
                new Seen("endpoint", null, "/message?s=1"),
                new Seen("message", "7", "{\"a\":1}\n{\"b\":2}"),
                new Seen("message", "7", "plain"), // an empty event name is a message
                new Seen("message", "8", ""), // an id alone moves the resume point
                new Seen("message", null, "after reset")); // an empty id resets it
        for (int size = 1; size < 8; size++) {
            assertThat(parse(bytes, size)).as("in chunks of %d bytes", size).isEqualTo(whole);
        }
    }

    @Test
    void aPartialByteOrderMarkIsData() {
        byte[] bytes = {(byte) 0xEF, 'd', 'a', 't', 'a', ':', 'x', '\n', '\n'};
        assertThat(parse(bytes, 1)).isEmpty(); // the field name is then not "data": nothing to report
    }

    @Test
    void anEventOverTheBoundFailsTheStream() {
        byte[] bytes = ("data: " + "x".repeat(2000) + "\n\n").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> parse(bytes, 100)).isInstanceOf(SseParser.TooLarge.class).hasMessageContaining("1024");
    }
}

package dev.forge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedLineReaderTest {

    record Skipped(long id, long length) {}

    static List<Object> read(InputStream in, int max) throws Exception {
        List<Object> seen = new ArrayList<>();
        new BoundedLineReader(in, max).drain(new BoundedLineReader.Sink() {
            @Override
            public void line(byte[] bytes, int length) {
                seen.add(new String(bytes, 0, length, StandardCharsets.UTF_8));
            }

            @Override
            public void oversized(byte[] head, byte[] tail, long length) {
                seen.add(new Skipped(AnswerId.of(head, tail), length));
            }
        });
        return seen;
    }

    static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void linesUpToTheLimitArriveWholeAndLongerOnesAreSkippedWithTheirIdAndLength() throws Exception {
        String big = "{\"jsonrpc\":\"2.0\",\"id\":42,\"result\":{\"text\":\"" + "x".repeat(300_000) + "\"}}";
        List<Object> seen = read(bytes("{\"a\":1}\r\n" + big + "\n\n{\"b\":2}\n"), 100_000);
        assertThat(seen).containsExactly("{\"a\":1}", new Skipped(42, big.length()), "{\"b\":2}");
    }

    @Test
    void anIdWrittenLastIsFoundAndANestedIdIsNotTakenForIt() throws Exception {
        String idLast = "{\"result\":{\"content\":[{\"id\":3,\"text\":\"" + "y".repeat(5000) + "\"}]},\"jsonrpc\":\"2.0\",\"id\":7}";
        String none = "{\"result\":{\"id\":3,\"text\":\"" + "y".repeat(5000) + "\"}}";
        assertThat(read(bytes(idLast + "\n" + none + "\n"), 1024))
                .containsExactly(new Skipped(7, idLast.length()), new Skipped(AnswerId.NONE, none.length()));
    }

    @Test
    void aLineThatNeverEndsIsNeverHeldInMemory() throws Exception {
        long length = 200L * 1024 * 1024;
        InputStream endless = new InputStream() {
            long left = length;

            @Override
            public int read() {
                return left-- > 0 ? 'z' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 'z');
                left -= n;
                return n;
            }
        };
        Runtime rt = Runtime.getRuntime();
        assertThat(read(endless, 1024 * 1024)).isEmpty(); // no line end: nothing delivered, nothing kept
        assertThat(rt.totalMemory() - rt.freeMemory()).isLessThan(length);
    }

    @Test
    void strayLinesAreSampledPerSecondAndTheirControlBytesEscaped() {
        long[] now = {0};
        LogSampler sampler = new LogSampler(3, () -> now[0]);
        List<Long> admitted = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            admitted.add(sampler.admit());
        }
        assertThat(admitted).containsExactly(0L, 0L, 0L, -1L, -1L, -1L, -1L, -1L, -1L, -1L);
        now[0] += 1_000_000_000L;
        assertThat(sampler.admit()).as("the count of lines not logged, told with the next one").isEqualTo(7);
        assertThat(LogSampler.printable("a\u001b[2Jb\u0007\tc")).isEqualTo("a\\u001b[2Jb\\u0007\\tc");
        assertThat(LogSampler.printable("x".repeat(5000))).hasSize(2001);
    }
}

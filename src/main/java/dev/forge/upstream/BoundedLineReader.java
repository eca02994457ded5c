package dev.forge.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads newline-delimited messages without ever holding more than {@code maxBytes} of one: a longer line is skipped
 * as it streams past, keeping only its first and last bytes (enough to find a JSON-RPC id), so an upstream cannot
 * make the gateway buffer an answer of any size.
 */
final class BoundedLineReader {

    /** Receives each line, or news of one too long to keep. */
    interface Sink {
        /** One line, without its line ending; {@code bytes} is reused after the call returns. */
        void line(byte[] bytes, int length);

        /** A line over the limit was skipped; its first and last bytes (up to {@link #EDGE} each) and its length. */
        void oversized(byte[] head, byte[] tail, long length);
    }

    static final int EDGE = 256;
    private static final int INITIAL = 8 * 1024;
    /** A line buffer grown past this for one large answer is let go afterwards, not kept for the process's life. */
    private static final int KEEP = 256 * 1024;

    private final InputStream in;
    private final int maxBytes;
    private final byte[] chunk = new byte[64 * 1024];
    private byte[] line = new byte[INITIAL];

    BoundedLineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** Reads to the end of the stream. */
    void drain(Sink sink) throws IOException {
        int length = 0;
        long skipped = -1; // >= 0 while skipping an oversized line: how many bytes it had so far
        byte[] head = null;
        byte[] tail = new byte[EDGE];
        int n;
        while ((n = in.read(chunk)) != -1) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (chunk[i] != '\n') {
                    continue;
                }
                if (skipped >= 0) {
                    skipped = skipTo(chunk, start, i, skipped, tail);
                    sink.oversized(head, lastBytes(tail, skipped), skipped);
                    skipped = -1;
                } else if (length + (i - start) > maxBytes) {
                    sink.oversized(Arrays.copyOf(line, Math.min(length, EDGE)), lastBytes(chunk, start, i), length + (i - start));
                } else {
                    length = append(start, i, length);
                    int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                    if (end > 0) {
                        sink.line(line, end);
                    }
                    if (line.length > KEEP) {
                        line = new byte[INITIAL];
                    }
                }
                length = 0;
                start = i + 1;
            }
            if (start == n) {
                continue;
            }
            if (skipped >= 0) {
                skipped = skipTo(chunk, start, n, skipped, tail);
            } else if (length + (n - start) > maxBytes) {
                // over the limit: from here on only count and keep the edges; the buffer is let go
                head = Arrays.copyOf(line, Math.min(length, EDGE));
                if (head.length < EDGE) {
                    int more = Math.min(EDGE - head.length, n - start);
                    head = Arrays.copyOf(head, head.length + more);
                    System.arraycopy(chunk, start, head, head.length - more, more);
                }
                skipTo(line, Math.max(0, length - EDGE), length, Math.max(0, length - EDGE), tail);
                skipped = skipTo(chunk, start, n, length, tail);
                length = 0;
                line = new byte[INITIAL];
            } else {
                length = append(start, n, length);
            }
        }
    }

    private int append(int from, int to, int length) {
        int needed = length + (to - from);
        if (needed > line.length) {
            line = Arrays.copyOf(line, Math.min(maxBytes + 1, Math.max(needed, line.length * 2)));
        }
        System.arraycopy(chunk, from, line, length, to - from);
        return needed;
    }

    /** Counts bytes skipped and keeps the last {@link #EDGE} of them in {@code tail}, a ring indexed by count. */
    private static long skipTo(byte[] bytes, int from, int to, long count, byte[] tail) {
        for (int i = Math.max(from, to - EDGE); i < to; i++) {
            tail[(int) ((count + i - from) % EDGE)] = bytes[i];
        }
        return count + (to - from);
    }

    private static byte[] lastBytes(byte[] ring, long count) {
        int size = (int) Math.min(count, EDGE);
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
            out[i] = ring[(int) ((count - size + i) % EDGE)];
        }
        return out;
    }

    private static byte[] lastBytes(byte[] bytes, int from, int to) {
        return Arrays.copyOfRange(bytes, Math.max(from, to - EDGE), to);
    }
}

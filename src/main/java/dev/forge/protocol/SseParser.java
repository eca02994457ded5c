package dev.forge.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a {@code text/event-stream} as its bytes arrive, in whatever chunks the network gives: each complete event
 * is handed on at once, its data as UTF-8 bytes (JSON is parsed from them without a String in between). One event
 * is bounded by {@code maxEventBytes}; a larger one fails the stream rather than growing without end.
 */
public final class SseParser {

    /**
     * Receives each complete event; {@code lastEventId} is the stream's latest {@code id:} so far (or null). The data
     * array is the parser's own and is reused: read it before returning.
     */
    public interface Events {
        void event(String type, String lastEventId, byte[] data, int length);
    }

    /** The stream sent an event over the size bound. */
    public static final class TooLarge extends RuntimeException {
        TooLarge(int limit) {
            super("an event larger than " + limit + " bytes");
        }
    }

    private static final int RETAINED_BYTES = 64 * 1024;
    private static final int[] BOM = {0xEF, 0xBB, 0xBF};

    private final int maxEventBytes;
    private byte[] line = new byte[256];
    private int lineLength;
    private byte[] data = new byte[1024];
    private int dataLength;
    private boolean hasData;
    private String type;
    private String lastEventId;
    private boolean afterCarriageReturn;
    private int bomBytesSeen; // a UTF-8 byte order mark at the very start is skipped, as the format says
    private boolean started;
    private boolean idChanged;

    public SseParser(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /** The latest event id the stream has given, for resuming it with {@code Last-Event-ID}; null if none. */
    public String lastEventId() {
        return lastEventId;
    }

    /** Consumes all of {@code chunk}, calling {@code events} for every event it completes. */
    public void feed(ByteBuffer chunk, Events events) {
        while (chunk.hasRemaining()) {
            byte b = chunk.get();
            if (!started) {
                if (bomBytesSeen < 3 && (b & 0xFF) == BOM[bomBytesSeen]) {
                    bomBytesSeen++;
                    started = bomBytesSeen == 3;
                    continue;
                }
                started = true;
                for (int i = 0; i < bomBytesSeen; i++) { // a partial mark was data after all
                    append(BOM[i]);
                }
            }
            if (b == '\n' && afterCarriageReturn) { // the second half of a CRLF
                afterCarriageReturn = false;
                continue;
            }
            afterCarriageReturn = b == '\r';
            if (b == '\n' || b == '\r') {
                endOfLine(events);
            } else {
                append(b);
            }
        }
    }

    private void append(int b) {
        if (lineLength == line.length) {
            grow();
        }
        line[lineLength++] = (byte) b;
    }

    private void grow() {
        if (line.length >= maxEventBytes) {
            throw new TooLarge(maxEventBytes);
        }
        line = Arrays.copyOf(line, Math.min(maxEventBytes, line.length * 2));
    }

    private void endOfLine(Events events) {
        int length = lineLength;
        lineLength = 0;
        if (length == 0) {
            if (hasData || idChanged) { // an event with only an id still moves the point a resume starts from
                events.event(type == null || type.isEmpty() ? "message" : type, lastEventId, data, hasData ? dataLength : 0);
            }
            idChanged = false;
            hasData = false;
            dataLength = 0;
            type = null;
            if (data.length > RETAINED_BYTES) { // one large event must not pin its buffer for the stream's life
                data = new byte[1024];
            }
            if (line.length > RETAINED_BYTES) {
                line = new byte[256];
            }
            return;
        }
        if (line[0] == ':') {
            return; // a comment: keep-alives
        }
        int colon = indexOf(line, length, (byte) ':');
        int nameEnd = colon < 0 ? length : colon;
        int valueStart = colon < 0 ? length : colon + 1;
        if (valueStart < length && line[valueStart] == ' ') {
            valueStart++;
        }
        if (is("data", nameEnd)) {
            appendData(valueStart, length);
        } else if (is("event", nameEnd)) {
            type = new String(line, valueStart, length - valueStart, StandardCharsets.UTF_8);
        } else if (is("id", nameEnd) && indexOf(line, length, (byte) 0) < 0) {
            String id = new String(line, valueStart, length - valueStart, StandardCharsets.UTF_8);
            lastEventId = id.isEmpty() ? null : id; // an empty id resets it: nothing to resume from
            idChanged = true;
        } // retry and unknown fields carry nothing a client of ours acts on
    }

    private void appendData(int from, int to) {
        int needed = dataLength + (hasData ? 1 : 0) + (to - from);
        if (needed > maxEventBytes) {
            throw new TooLarge(maxEventBytes);
        }
        if (needed > data.length) {
            data = Arrays.copyOf(data, Math.min(maxEventBytes, Math.max(needed, data.length * 2)));
        }
        if (hasData) {
            data[dataLength++] = '\n';
        }
        System.arraycopy(line, from, data, dataLength, to - from);
        dataLength += to - from;
        hasData = true;
    }

    private boolean is(String field, int nameEnd) {
        if (nameEnd != field.length()) {
            return false;
        }
        for (int i = 0; i < nameEnd; i++) {
            if (line[i] != field.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] bytes, int length, byte wanted) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}

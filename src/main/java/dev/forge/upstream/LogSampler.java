package dev.forge.upstream;

import java.util.function.LongSupplier;

/**
 * Keeps a chatty upstream from flooding the log: at most {@code perSecond} of its lines are logged each second; the
 * rest are counted and the count is reported with the next line logged. Lines are made printable (control bytes
 * escaped) and cut to a readable length, since what a process writes may be anything.
 */
final class LogSampler {

    static final int DEFAULT_PER_SECOND = 10;
    private static final long SECOND = 1_000_000_000L;
    private static final int MAX_CHARS = 2000;

    private final int perSecond;
    private final LongSupplier nanos;
    private long windowStart;
    private int used;
    private long dropped;

    LogSampler(int perSecond, LongSupplier nanos) {
        this.perSecond = perSecond;
        this.nanos = nanos;
        this.windowStart = nanos.getAsLong() - SECOND;
    }

    /** -1: do not log this line; else log it, after saying that this many lines before it were not (0: none). */
    synchronized long admit() {
        long now = nanos.getAsLong();
        if (now - windowStart >= SECOND) {
            windowStart = now;
            used = 0;
        }
        if (used >= perSecond) {
            dropped++;
            return -1;
        }
        used++;
        long report = dropped;
        dropped = 0;
        return report;
    }

    /** Lines not logged and not yet reported (for a last word when the process ends). */
    synchronized long takeDropped() {
        long report = dropped;
        dropped = 0;
        return report;
    }

    /** The line with control characters escaped ({@code \n}, {@code \u001b}), cut at {@value #MAX_CHARS} characters. */
    static String printable(String line) {
        int end = Math.min(line.length(), MAX_CHARS);
        StringBuilder out = null;
        for (int i = 0; i < end; i++) {
            char c = line.charAt(i);
            boolean control = c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029;
            if (control && out == null) {
                out = new StringBuilder(end + 16).append(line, 0, i);
            }
            if (out != null) {
                if (control) {
                    out.append(switch (c) {
                        case '\t' -> "\\t";
                        case '\r' -> "\\r";
                        case '\n' -> "\\n";
                        default -> String.format("\\u%04x", (int) c);
                    });
                } else {
                    out.append(c);
                }
            }
        }
        String shown = out == null ? line.substring(0, end) : out.toString();
        return end < line.length() ? shown + "…" : shown;
    }
}

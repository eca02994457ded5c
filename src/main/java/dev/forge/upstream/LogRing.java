package dev.forge.upstream;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The last lines a local server wrote (stderr, and anything on stdout that was not protocol) and what happened to
 * its process, for {@code GET /services/{name}/logs}. Bounded by lines and by characters. Each line is numbered
 * from 1 in the order written, so a reader that keeps up (a console page following the log) asks only for what came
 * after the last line it has.
 */
public final class LogRing {

    /** One line, when it was written and its number in this ring's order. */
    public record Line(Instant at, String stream, String text, long seq) {}

    private static final int MAX_LINES = 1000;
    private static final int MAX_LINE_CHARS = 2000;

    private final ArrayDeque<Line> lines = new ArrayDeque<>();
    private final Clock clock;
    private long written;

    public LogRing(Clock clock) {
        this.clock = clock;
    }

    public synchronized void add(String stream, String text) {
        if (lines.size() == MAX_LINES) {
            lines.removeFirst();
        }
        written++;
        lines.addLast(new Line(clock.instant(), stream, text.length() > MAX_LINE_CHARS ? text.substring(0, MAX_LINE_CHARS) + "…" : text,
                written));
    }

    /** The newest {@code limit} lines, oldest first. */
    public synchronized List<Line> tail(int limit) {
        return lines.stream().skip(Math.max(0, lines.size() - limit)).toList();
    }

    /**
     * The lines after number {@code seq}, the newest {@code limit} of them, oldest first; all of the tail when
     * {@code seq} is beyond the last line written (the reader followed an earlier ring, before a restart).
     */
    public synchronized List<Line> after(long seq, int limit) {
        if (seq > written) {
            return tail(limit);
        }
        long newer = Math.min(written - seq, lines.size());
        return lines.stream().skip(lines.size() - Math.min(newer, limit)).toList();
    }
}

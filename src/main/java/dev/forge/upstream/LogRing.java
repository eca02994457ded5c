package dev.forge.upstream;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The last lines a local server wrote (stderr, and anything on stdout that was not protocol) and what happened to
 * its process, for {@code GET /services/{name}/logs}. Bounded by lines and by characters.
 */
public final class LogRing {

    /** One line and when it was written. */
    public record Line(Instant at, String stream, String text) {}

    private static final int MAX_LINES = 1000;
    private static final int MAX_LINE_CHARS = 2000;

    private final ArrayDeque<Line> lines = new ArrayDeque<>();
    private final Clock clock;

    public LogRing(Clock clock) {
        this.clock = clock;
    }

    public synchronized void add(String stream, String text) {
        if (lines.size() == MAX_LINES) {
            lines.removeFirst();
        }
        lines.addLast(new Line(clock.instant(), stream, text.length() > MAX_LINE_CHARS ? text.substring(0, MAX_LINE_CHARS) + "…" : text));
    }

    /** The newest {@code limit} lines, oldest first. */
    public synchronized List<Line> tail(int limit) {
        return lines.stream().skip(Math.max(0, lines.size() - limit)).toList();
    }
}

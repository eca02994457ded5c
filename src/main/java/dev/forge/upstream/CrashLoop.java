package dev.forge.upstream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts an upstream's failures for {@code /health}: a loss after it was ready is a restart, and
 * {@value #FAILURES} failures within {@link #WINDOW} make a crash loop.
 */
final class CrashLoop {

    // one logger for the whole upstream: its story reads (and is filtered) under one name
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);
    private static final int FAILURES = 5;
    private static final Duration WINDOW = Duration.ofMinutes(5);

    private final String name;
    private final UpstreamStatus status;
    private final ArrayDeque<Instant> recentFailures = new ArrayDeque<>();
    private volatile int restarts;
    private volatile boolean looping;

    CrashLoop(String name, UpstreamStatus status) {
        this.name = name;
        this.status = status;
    }

    /** Remembers a failure; called before the state turns failed, so a ready upstream counts as restarted. */
    synchronized void noteFailure() {
        Instant now = Instant.now();
        if (status.state() == UpstreamState.READY) {
            restarts++;
        }
        recentFailures.addLast(now);
        while (!recentFailures.isEmpty() && recentFailures.peekFirst().isBefore(now.minus(WINDOW))) {
            recentFailures.removeFirst();
        }
        boolean loopingNow = recentFailures.size() >= FAILURES;
        if (loopingNow && !looping) {
            LOG.error("upstream {} is in a crash loop: {} failures within {} s", name, recentFailures.size(), WINDOW.toSeconds());
        }
        looping = loopingNow;
    }

    /** Times the upstream was lost after having been ready. */
    int restarts() {
        return restarts;
    }

    /** True while the upstream keeps failing (and is not ready again). */
    boolean looping() {
        return looping && status.state() != UpstreamState.READY;
    }
}

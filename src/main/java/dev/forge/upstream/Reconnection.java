package dev.forge.upstream;

import dev.forge.config.MaskedUrl;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a failed or lost upstream back: marks it failed (its tools leave the catalog) and connects again after a
 * pause that doubles up to {@link #MAX_BACKOFF}, or at once when only its session expired.
 */
final class Reconnection {

    // one logger for the whole upstream: its story reads (and is filtered) under one name
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final String name;
    private final UpstreamStatus status;
    private final SharedConnection shared;
    private final CrashLoop crashLoop;
    private final ScheduledExecutorService scheduler;
    private final Runnable connect;
    private volatile Duration backoff = FIRST_BACKOFF;

    /** @param connect what a retry runs, on a virtual thread of its own */
    Reconnection(String name, UpstreamStatus status, SharedConnection shared, CrashLoop crashLoop,
                 ScheduledExecutorService scheduler, Runnable connect) {
        this.name = name;
        this.status = status;
        this.shared = shared;
        this.crashLoop = crashLoop;
        this.scheduler = scheduler;
        this.connect = connect;
    }

    /** The upstream is ready: the next failure waits the shortest pause again. */
    void connected() {
        backoff = FIRST_BACKOFF;
    }

    /** Connecting failed: whatever was opened is closed, and the next attempt scheduled. */
    void connectFailed(RuntimeException e) {
        UpstreamClient failed = shared.take();
        if (failed != null) {
            failed.close();
        }
        status.lastKind(e instanceof UpstreamException u ? u.kind() : UpstreamException.Kind.UNREACHABLE);
        if (status.lastKind() == UpstreamException.Kind.PROTOCOL_ERROR) {
            backoff = MAX_BACKOFF; // it will break the protocol again (endless lists, a wrong version): no quick retry
        }
        fail(CallOutcome.messageOf(e));
    }

    /** The shared connection over {@code transport} ended; ignored for one already replaced or while stopping. */
    void connectionLost(UpstreamTransport transport, String reason) {
        UpstreamClient c = shared.current();
        if (status.stopped() || c == null || c.transport() != transport) {
            return; // a connection we already replaced or are shutting down
        }
        shared.use(null);
        transport.close();
        status.lastKind(UpstreamException.Kind.UNREACHABLE);
        fail("connection lost: " + reason);
    }

    /** A list over its budget after a change is as bad as at connect: failed, retried after the longest pause. */
    void dropAfterProtocolError(UpstreamTransport transport, String why) {
        backoff = MAX_BACKOFF;
        connectionLost(transport, why);
    }

    private void fail(String why) {
        if (status.stopped()) {
            return;
        }
        String reason = MaskedUrl.inText(why); // shown in /health and the log: no credentials in URLs
        shared.lists(UpstreamLists.EMPTY);
        crashLoop.noteFailure();
        status.change(UpstreamState.FAILED, reason);
        if (status.stopped()) {
            return;
        }
        boolean expired = reason.endsWith("session expired");
        Duration wait = expired ? Duration.ZERO : backoff; // a restarted server is up: reconnect at once
        if (!expired) {
            backoff = wait.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait.multipliedBy(2);
        }
        LOG.warn("upstream {} unavailable: {}; retrying in {} ms", name, reason, wait.toMillis());
        int halts = status.halts();
        scheduler.schedule(() -> {
            if (status.halts() == halts) { // halted since: it stays stopped until someone starts it
                Thread.ofVirtual().name("connect-" + name).start(connect);
            }
        }, wait.toMillis(), TimeUnit.MILLISECONDS);
    }
}

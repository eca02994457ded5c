package dev.forge.upstream;

import dev.forge.config.UpstreamConfig;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.JsonRpcException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An upstream put out of the way and brought back: asleep (its process stopped to free memory, its lists kept in
 * the catalog), halted (stopped until someone starts it, its tools gone), and woken again.
 */
final class Dormancy {

    // one logger for the whole upstream: its story reads (and is filtered) under one name
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);

    private final UpstreamConfig config;
    private final UpstreamStatus status;
    private final SharedConnection shared;
    private final ClientSessions sessions;
    private final Connector connector;
    private final LogRing logs;
    private final CompletableFuture<Void> firstAttempt;
    private final AtomicBoolean waking = new AtomicBoolean();
    /** A wake asked for and not yet tried. */
    private final AtomicBoolean wanted = new AtomicBoolean();

    /** @param firstAttempt completed by a halt, as by the first connection attempt's end */
    Dormancy(UpstreamConfig config, UpstreamStatus status, SharedConnection shared, ClientSessions sessions,
             Connector connector, LogRing logs, CompletableFuture<Void> firstAttempt) {
        this.config = config;
        this.status = status;
        this.shared = shared;
        this.sessions = sessions;
        this.connector = connector;
        this.logs = logs;
        this.firstAttempt = firstAttempt;
    }

    /** Stops the process, keeping its lists; only a ready upstream sleeps. True if this one now does. */
    boolean sleep(String why) {
        UpstreamClient c = shared.current();
        if (status.stopped() || c == null || status.state() != UpstreamState.READY) {
            return false;
        }
        shared.use(null); // first: the connection's end is then not taken for a crash
        status.change(UpstreamState.SLEEPING, why);
        logs.add("forge", "asleep: " + why);
        LOG.info("upstream {} asleep: {}", config.name(), why);
        c.close();
        sessions.closeAll();
        return true;
    }

    /**
     * Starts a sleeping or stopped upstream again, in the background. A call while a start is under way is not lost:
     * that start may be given up by a halt in between (a restart is a halt, then a wake), so the waker starts it
     * once more when it is still not running.
     */
    void wake() {
        UpstreamState now = status.state();
        if (status.stopped() || !(now == UpstreamState.SLEEPING || now == UpstreamState.STOPPED)) {
            return;
        }
        wanted.set(true);
        startWaker();
    }

    private void startWaker() {
        if (!waking.compareAndSet(false, true)) {
            return; // the waker under way sees what was wanted before it ends
        }
        logs.add("forge", "waking");
        Thread.ofVirtual().name("wake-" + config.name()).start(() -> {
            try {
                while (wanted.getAndSet(false)) {
                    UpstreamState now = status.state();
                    if (!status.stopped() && (now == UpstreamState.SLEEPING || now == UpstreamState.STOPPED)) {
                        connector.connectOnce();
                    }
                }
            } finally {
                waking.set(false);
            }
            if (wanted.get()) {
                startWaker(); // wanted again while this one was ending
            }
        });
    }

    /**
     * Wakes a sleeping upstream for a call and waits (on the caller's virtual thread) until it is ready, at most the
     * upstream's request timeout; the call then goes on as if it had never slept.
     */
    void awaitWake() {
        CompletableFuture<Void> ready = status.readySignal();
        wake();
        try {
            ready.get(config.policy().timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new JsonRpcException(JsonRpcError.UPSTREAM_UNAVAILABLE, "Upstream '" + config.name()
                    + "' was asleep and did not wake within " + config.policy().timeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof UpstreamException u ? u : new UpstreamException(config.name(),
                    UpstreamException.Kind.UNREACHABLE, "could not be woken: " + CallOutcome.messageOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JsonRpcException(JsonRpcError.UPSTREAM_UNAVAILABLE, "Interrupted while waking '" + config.name() + "'");
        }
    }

    /** Stops the process and keeps it stopped, its lists emptied, with the reason shown in health. */
    void halt(String reason) {
        status.halted(); // first: a connection under way, or a reconnect scheduled, sees it and gives up
        UpstreamClient c = shared.take();
        shared.lists(UpstreamLists.EMPTY);
        status.change(UpstreamState.STOPPED, reason);
        logs.add("forge", "stopped: " + reason);
        LOG.warn("upstream {} stopped: {}", config.name(), reason);
        firstAttempt.complete(null);
        if (c != null) {
            c.close();
        }
        sessions.closeAll();
    }
}

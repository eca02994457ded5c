package dev.forge.upstream;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Where one upstream is in its life, as {@code /health} shows it, and a signal for whoever waits until it is ready.
 * Every change of state goes through {@link #change}, which tells the catalog.
 */
final class UpstreamStatus {

    private final Upstream upstream;
    private final Upstream.ChangeListener listener;
    private volatile UpstreamState state = UpstreamState.CONNECTING;
    private volatile String lastError;
    private volatile Instant since = Instant.now();
    private volatile UpstreamException.Kind lastKind = UpstreamException.Kind.UNREACHABLE;
    private volatile CompletableFuture<Void> readySignal = new CompletableFuture<>();
    private volatile boolean stopped;
    private final java.util.concurrent.atomic.AtomicInteger halts = new java.util.concurrent.atomic.AtomicInteger();

    UpstreamStatus(Upstream upstream, Upstream.ChangeListener listener) {
        this.upstream = upstream;
        this.listener = listener;
    }

    UpstreamState state() {
        return state;
    }

    /** Why the upstream is not ready (null while it is); URLs masked. */
    String lastError() {
        return lastError;
    }

    Instant since() {
        return since;
    }

    /** How the latest connection failed: the kind of error a call gets while the upstream is unavailable. */
    UpstreamException.Kind lastKind() {
        return lastKind;
    }

    void lastKind(UpstreamException.Kind kind) {
        lastKind = kind;
    }

    /** True once the gateway stopped this upstream for good: nothing may connect it again. */
    boolean stopped() {
        return stopped;
    }

    /** Halts so far (an operator's stop, a limit): a connection begun before the latest one must not outlive it. */
    int halts() {
        return halts.get();
    }

    void halted() {
        halts.incrementAndGet();
    }

    void stop() {
        stopped = true;
    }

    /** Shows the upstream stopped without telling the catalog: the gateway is shutting down. */
    void showStopped() {
        state = UpstreamState.STOPPED;
    }

    /** Completes when the upstream is next ready (is complete while it is). */
    CompletableFuture<Void> readySignal() {
        return readySignal;
    }

    void change(UpstreamState next, String error) {
        state = next;
        lastError = error;
        since = Instant.now();
        announce();
        // after the state is visible: whoever waits on the signal acts on it at once
        if (next == UpstreamState.READY) {
            readySignal.complete(null);
        } else if (readySignal.isDone()) {
            readySignal = new CompletableFuture<>();
        }
    }

    /** Tells the catalog that this upstream's state or lists changed. */
    void announce() {
        listener.upstreamChanged(upstream);
    }
}

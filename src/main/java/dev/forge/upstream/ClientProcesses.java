package dev.forge.upstream;

import dev.forge.config.UpstreamLimits;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.JsonRpcException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The processes {@code per-client} stdio sessions run, bounded per upstream and for the whole gateway: one token
 * opening session after session must not start a server process for each without end. Shared by every upstream.
 */
public final class ClientProcesses {

    private final int perUpstream;
    private final int total;
    private final AtomicInteger running = new AtomicInteger();

    public ClientProcesses(UpstreamLimits limits) {
        this.perUpstream = limits.maxClientProcessesPerUpstream();
        this.total = limits.maxClientProcessesTotal();
    }

    /** Processes running for per-client sessions, all upstreams together. */
    public int running() {
        return running.get();
    }

    /**
     * Takes a slot for one more process of {@code upstream}, which runs {@code own} of them; the returned action gives
     * it back (once, however often it is run). Over either cap the client is refused, naming the cap and its setting.
     */
    Runnable acquire(String upstream, AtomicInteger own, AtomicInteger refusals) {
        if (own.incrementAndGet() > perUpstream) {
            own.decrementAndGet();
            refusals.incrementAndGet();
            throw refused(upstream, perUpstream + " processes for this upstream's clients", "MAX_CLIENT_PROCESSES_PER_UPSTREAM");
        }
        if (running.incrementAndGet() > total) {
            running.decrementAndGet();
            own.decrementAndGet();
            refusals.incrementAndGet();
            throw refused(upstream, total + " processes for per-client sessions in all", "MAX_CLIENT_PROCESSES");
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                own.decrementAndGet();
                running.decrementAndGet();
            }
        };
    }

    private static JsonRpcException refused(String upstream, String cap, String setting) {
        return new JsonRpcException(JsonRpcError.UPSTREAM_UNAVAILABLE, "Upstream '" + upstream
                + "' cannot start a process for this session: the gateway runs at most " + cap + " (" + setting
                + "); try again when other sessions have ended");
    }
}

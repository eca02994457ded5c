package dev.forge.upstream;

import dev.forge.config.MaskedUrl;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.JsonRpcException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches an upstream's lists again while it runs: all of them when an operator asks, the one that changed when the
 * upstream says so. The catalog follows each refresh.
 */
final class ListRefresh {

    // one logger for the whole upstream: its story reads (and is filtered) under one name
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);

    private final String name;
    private final ListDiscovery discovery;
    private final SharedConnection shared;
    private final UpstreamStatus status;
    private final Reconnection reconnection;
    // one fetch at a time: each sees the upstream as it is when it runs, so the last one leaves the truth
    private final ReentrantLock lock = new ReentrantLock();
    /** Refreshes announced by the upstream and not finished yet, and what completes when none is left. */
    private final AtomicInteger pending = new AtomicInteger();
    private volatile CompletableFuture<Void> settled = CompletableFuture.completedFuture(null);

    ListRefresh(String name, ListDiscovery discovery, SharedConnection shared, UpstreamStatus status, Reconnection reconnection) {
        this.name = name;
        this.discovery = discovery;
        this.shared = shared;
        this.status = status;
        this.reconnection = reconnection;
    }

    /** Fetches every list again on the shared connection (an operator's refresh), on the calling thread. */
    void all() {
        UpstreamClient c = shared.current();
        if (c == null || status.state() != UpstreamState.READY) {
            throw new JsonRpcException(JsonRpcError.UPSTREAM_UNAVAILABLE,
                    "Upstream '" + name + "' is unavailable" + (status.lastError() == null ? "" : ": " + status.lastError()));
        }
        lock.lock();
        try {
            shared.lists(discovery.discover(c));
            status.announce();
        } finally {
            lock.unlock();
        }
    }

    /** Fetches, in the background, the list a {@code notifications/.../list_changed} from {@code c} names. */
    void changed(String notification, UpstreamClient c) {
        switch (notification) {
            case "notifications/tools/list_changed" ->
                    refresh(() -> shared.lists(shared.lists().withTools(discovery.listAll(c, "tools/list", "tools"))));
            case "notifications/prompts/list_changed" ->
                    refresh(() -> shared.lists(shared.lists().withPrompts(discovery.listAll(c, "prompts/list", "prompts"))));
            default -> refresh(() -> shared.lists(shared.lists().withResources(
                    discovery.listAll(c, "resources/list", "resources"),
                    discovery.listAll(c, "resources/templates/list", "resourceTemplates"))));
        }
    }

    /**
     * Completes once the lists the upstream said changed have been fetched again (at once when none is being
     * fetched): a client told of a change by one replica may ask another, which must not answer with the old list.
     */
    CompletableFuture<Void> settled() {
        return settled;
    }

    private void refresh(Runnable fetch) {
        synchronized (pending) {
            if (pending.getAndIncrement() == 0) {
                settled = new CompletableFuture<>();
            }
        }
        Thread.ofVirtual().name("refresh-" + name).start(() -> {
            lock.lock();
            try {
                fetch.run();
                status.announce();
            } catch (RuntimeException e) {
                UpstreamClient current = shared.current();
                if (e instanceof UpstreamException u && u.kind() == UpstreamException.Kind.PROTOCOL_ERROR && current != null) {
                    reconnection.dropAfterProtocolError(current.transport(), CallOutcome.messageOf(e));
                    return;
                }
                LOG.warn("upstream {}: refreshing its lists failed: {}", name, MaskedUrl.inText(CallOutcome.messageOf(e)));
            } finally {
                lock.unlock();
                synchronized (pending) {
                    if (pending.decrementAndGet() == 0) {
                        settled.complete(null);
                    }
                }
            }
        });
    }
}

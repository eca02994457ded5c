package dev.forge.upstream;

import dev.forge.config.UpstreamConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream sessions of {@code per-client} mode: one connection (for stdio, one process) per downstream session,
 * opened on its first call with that client's own capabilities, and ended with it. Processes take a slot of
 * {@link ClientProcesses}, given back when the connection ends.
 */
final class ClientSessions {

    // one logger for the whole upstream: its story reads (and is filtered) under one name
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);

    private final String name;
    private final boolean startsProcesses;
    private final Handshake handshake;
    private final ClientProcesses processes;
    private final ConcurrentHashMap<String, CompletableFuture<UpstreamClient>> perClient = new ConcurrentHashMap<>();
    private final AtomicInteger ownProcesses = new AtomicInteger();
    private final AtomicInteger processRefusals = new AtomicInteger();

    ClientSessions(UpstreamConfig config, Handshake handshake, ClientProcesses processes) {
        this.name = config.name();
        this.startsProcesses = config instanceof UpstreamConfig.Stdio;
        this.handshake = handshake;
        this.processes = processes;
    }

    /** The connection of this caller's session, opened on the first call (later calls of the session wait for it). */
    UpstreamClient connectionOf(Caller caller) {
        CompletableFuture<UpstreamClient> mine = new CompletableFuture<>();
        CompletableFuture<UpstreamClient> existing = perClient.putIfAbsent(caller.sessionId(), mine);
        if (existing == null) {
            Runnable slot = null;
            try {
                slot = startsProcesses ? processes.acquire(name, ownProcesses, processRefusals) : null;
                mine.complete(open(caller.sessionWide(), slot));
                LOG.debug("upstream {}: opened a session for client {}", name, caller.sessionId());
            } catch (RuntimeException e) {
                if (slot != null) {
                    slot.run();
                }
                perClient.remove(caller.sessionId(), mine);
                mine.completeExceptionally(e);
            }
            existing = mine;
        }
        try {
            return existing.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Opens the owner's connection; when it ends, the session is forgotten and the process slot (or null) freed. */
    private UpstreamClient open(Caller owner, Runnable slot) {
        return handshake.open(owner, (transport, reason) -> {
            perClient.remove(owner.sessionId());
            if (slot != null) {
                slot.run();
            }
        });
    }

    /** Ends the upstream session a client had here, if it had one (its process, for stdio). */
    void close(String sessionId) {
        CompletableFuture<UpstreamClient> connection = perClient.remove(sessionId);
        if (connection != null) {
            connection.thenAccept(UpstreamClient::close);
        }
    }

    void closeAll() {
        perClient.keySet().forEach(this::close);
    }

    /** Upstream sessions currently open for individual clients. */
    int count() {
        return perClient.size();
    }

    /** Processes running for these sessions. */
    int processes() {
        return ownProcesses.get();
    }

    /** Sessions refused a process since start, for being over a cap. */
    int processRefusals() {
        return processRefusals.get();
    }
}

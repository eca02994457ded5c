package dev.forge.session;

import dev.forge.auth.Principal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/** Sessions of this process, with unguessable ids; sessions idle longer than the timeout are reaped. */
public final class InMemorySessionStore implements SessionStore {

    private static final Logger LOG = LoggerFactory.getLogger(InMemorySessionStore.class);

    private final ConcurrentHashMap<String, ClientSession> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final java.util.concurrent.atomic.AtomicLong ephemeralIds = new java.util.concurrent.atomic.AtomicLong();
    private final Clock clock;
    private final Duration idleTimeout;
    private final ScheduledFuture<?> reaper;
    private final List<Consumer<ClientSession>> closeListeners = new CopyOnWriteArrayList<>();
    /** Open sessions per signed-in subject; anonymous loopback sessions are not counted. */
    private final ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> perSubject = new ConcurrentHashMap<>();
    private final int maxPerSubject;
    private volatile SessionPeers peers = SessionPeers.NONE;

    public InMemorySessionStore(Clock clock, Duration idleTimeout, int maxPerSubject, ScheduledExecutorService scheduler) {
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.maxPerSubject = maxPerSubject;
        long period = Math.max(1, Math.min(idleTimeout.toMillis() / 2, 30_000));
        this.reaper = scheduler.scheduleAtFixedRate(this::reapIdle, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public ClientSession create(String scope, Principal principal) {
        if (principal.authenticated()) {
            var open = perSubject.computeIfAbsent(principal.subject(), s -> new java.util.concurrent.atomic.AtomicInteger());
            if (open.incrementAndGet() > maxPerSubject) {
                open.decrementAndGet();
                throw new SessionLimitException("Too many sessions: " + principal.subject() + " already holds " + maxPerSubject
                        + " (MAX_SESSIONS_PER_PRINCIPAL); end some with DELETE or let idle ones expire");
            }
        }
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        ClientSession session = new ClientSession(HexFormat.of().formatHex(bytes), scope, principal, clock);
        session.peers(peers);
        sessions.put(session.id(), session);
        return session;
    }

    @Override
    public ClientSession ephemeral(String scope, Principal principal) {
        // never looked up by id, so a counter serves: no id a client could use, and no secure random per request
        ClientSession session = new ClientSession("m-" + ephemeralIds.incrementAndGet(), scope, principal, clock);
        session.markEphemeral();
        return session;
    }

    @Override
    public void release(ClientSession session) {
        if (session.ephemeral() && !session.isClosed()) {
            closed(session);
        }
    }

    /** Brings this replica's copy of a session up to what another replica recorded it negotiated. */
    public void refresh(ClientSession session, String version, ObjectNode capabilities, ObjectNode info, boolean initialized) {
        session.restore(version, capabilities, info, initialized);
    }

    /** Brings this replica's copy of a session up to the log level another replica recorded for it. */
    public void refreshLogLevel(ClientSession session, String level) {
        session.restoreLogLevel(level);
    }

    /** How the sessions made from now on reach the other replicas. */
    public void usePeers(SessionPeers peers) {
        this.peers = peers;
    }

    /**
     * This replica's copy of a session another replica made (its state as that one recorded it); the copy already
     * here if there is one. Not counted against the principal's limit: that was checked where the session began.
     */
    public ClientSession adopt(String id, String scope, Principal principal, String version, ObjectNode capabilities,
                               ObjectNode info, boolean initialized) {
        return sessions.computeIfAbsent(id, key -> {
            ClientSession session = new ClientSession(key, scope, principal, clock);
            session.restore(version, capabilities, info, initialized);
            session.markCopy();
            session.peers(peers);
            return session;
        });
    }

    @Override
    public ClientSession find(String id) {
        return id == null ? null : sessions.get(id);
    }

    @Override
    public boolean remove(String id) {
        ClientSession session = id == null ? null : sessions.remove(id);
        if (session != null) {
            closed(session);
        }
        return session != null;
    }

    @Override
    public Collection<ClientSession> all() {
        return sessions.values();
    }

    @Override
    public void onClose(Consumer<ClientSession> listener) {
        closeListeners.add(listener);
    }

    private void closed(ClientSession session) {
        session.close();
        if (session.principal().authenticated() && !session.isCopy() && !session.ephemeral()) { // a copy was counted where it began
            perSubject.computeIfPresent(session.principal().subject(), (s, open) -> open.decrementAndGet() <= 0 ? null : open);
        }
        for (Consumer<ClientSession> listener : closeListeners) {
            try {
                listener.accept(session);
            } catch (RuntimeException e) {
                LOG.warn("session close listener failed", e);
            }
        }
    }

    void reapIdle() {
        int before = sessions.size();
        sessions.values().removeIf(s -> {
            if (s.idleLongerThan(idleTimeout)) {
                closed(s);
                return true;
            }
            return false;
        });
        int reaped = before - sessions.size();
        if (reaped > 0) {
            LOG.debug("reaped {} idle sessions", reaped);
        }
    }

    @Override
    public void close() {
        reaper.cancel(false);
        sessions.values().forEach(this::closed);
        sessions.clear();
    }
}

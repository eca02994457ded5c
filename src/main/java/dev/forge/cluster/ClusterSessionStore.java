package dev.forge.cluster;

import dev.forge.auth.Principal;
import dev.forge.protocol.Json;
import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import dev.forge.session.InMemorySessionStore;
import dev.forge.session.SessionPeers;
import dev.forge.session.SessionStore;
import dev.forge.store.RedisLink;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sessions that belong to the cluster, not to one process ({@code REDIS_URL} set). A session's identity, principal
 * and what it negotiated are written to Redis when it begins, so any replica a request lands on adopts it (a local
 * copy); the replica holding the session's stream is announced to all, and what another replica has for that stream
 * (a notification, a question, a legacy SSE answer) is published to the holder's channel. A client's answer goes back
 * to the replica that asked (named in the question's id), a cancellation to whichever replica runs the request, and
 * the end of a session to every copy. Redis expires a session left idle by every replica.
 */
public final class ClusterSessionStore implements SessionStore {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterSessionStore.class);
    private static final String KEY = "forge:session:";
    private static final String EVERYONE = "forge:sessions";
    private static final String REPLICA = "forge:replica:";
    /**
     * Where each running replica's MCP listeners are reached (a hash: listener → URL), by its tag: written again every
     * {@link #REGISTRATION_REFRESH} while it runs (so a Redis that lost it has it back within that), deleted when it
     * stops, lapsed {@link #REGISTRATION_TTL} after a crash.
     */
    private static final String REPLICA_URL = "forge:replica-url:";
    static final Duration REGISTRATION_TTL = Duration.ofSeconds(60);
    private static final Duration REGISTRATION_REFRESH = Duration.ofSeconds(5);
    /** Writes the listeners and their expiry in one step: never a registration that does not lapse. */
    private static final String REGISTER = "redis.call('del', KEYS[1]) redis.call('hset', KEYS[1], unpack(ARGV, 2))"
            + " return redis.call('pexpire', KEYS[1], ARGV[1])";
    /** Writes a new session's fields and its expiry in one step: no key is ever left without one. */
    private static final String CREATE = "redis.call('hset', KEYS[1], unpack(ARGV, 2)) return redis.call('pexpire', KEYS[1], ARGV[1])";
    /** Writes fields of a session that still exists; one ended or expired is not brought back (without an expiry). */
    private static final String UPDATE = "if redis.call('exists', KEYS[1]) == 1 then redis.call('hset', KEYS[1], unpack(ARGV)) return 1 end return 0";
    /** Forgets the stream's holder if it is still the replica named. */
    private static final String RELEASE = "if redis.call('hget', KEYS[1], 'stream') == ARGV[1] then return redis.call('hdel', KEYS[1], 'stream') end return 0";

    private final InMemorySessionStore local;
    private final RedisLink redis;
    private final StatefulRedisConnection<String, String> connection;
    private final Duration idleTimeout;
    /** This process among the replicas: names its channel and the questions it asks clients. */
    private final String replica;
    /** Whether the others have been told where this replica is. */
    /** Until when the others surely know where this replica is (nanoTime; 0: not registered yet). */
    private volatile long registeredUntil;
    /** When a request last registered this replica itself (nanoTime): at most once a second, while Redis refuses. */
    private volatile long lastInlineRegistration;
    /**
     * The listeners of other replicas as last read (from Redis, or a session's record) and when: tried when Redis has
     * none, for {@link #LAST_KNOWN_FOR} at most (Redis lost it, and the replica writes it again within 5 s).
     */
    private final Map<String, Known> lastKnown = new ConcurrentHashMap<>();
    private static final Duration LAST_KNOWN_FOR = Duration.ofMinutes(2);

    private record Known(Map<String, String> urls, long seenAt) {}
    private final Thread registration;
    /** Who hears the modern cancels other replicas announce. */
    private final java.util.List<java.util.function.BiConsumer<String, JsonNode>> cancelListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Which replica holds each session's stream, as they announce it. */
    private final Map<String, String> streamHolders = new ConcurrentHashMap<>();
    /** When each local copy last pushed its session's expiry back (nanoTime): at most every quarter of the timeout. */
    private final Map<String, Long> refreshed = new ConcurrentHashMap<>();
    /** Asked when the first session begins: the port is known only once the listener runs. */
    private final Supplier<Map<String, URI>> self;
    /** Where the replica that began each session adopted here is reached. */
    private final Map<String, String> owners = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private static final int DELIVERY_BACKLOG = 10_000;
    private static final Runnable STOP = () -> {};
    /** Messages on their way to the replica holding their session's stream, in order (see {@link Peers#deliverElsewhere}). */
    private final BlockingQueue<Runnable> deliveries = new LinkedBlockingQueue<>(DELIVERY_BACKLOG);

    /**
     * @param self where the other replicas reach this one's MCP listeners, by listener (for requests only this replica
     *             can serve); empty until they listen
     */
    public ClusterSessionStore(InMemorySessionStore local, RedisLink redis, Duration idleTimeout, Supplier<Map<String, URI>> self) {
        this.self = self;
        this.local = local;
        this.redis = redis;
        this.idleTimeout = idleTimeout;
        byte[] bytes = new byte[4];
        new SecureRandom().nextBytes(bytes);
        this.replica = HexFormat.of().formatHex(bytes);
        this.connection = redis.client().connect();
        local.usePeers(new Peers());
        local.onClose(session -> {
            refreshed.remove(session.id());
            owners.remove(session.id());
            streamHolders.remove(session.id());
        });
        Thread.ofVirtual().name("session-deliveries").start(this::deliverUntilClosed);
        Thread.ofVirtual().name("session-streams-alive").start(this::keepStreamsAlive);
        this.registration = Thread.ofVirtual().name("replica-registration").start(this::keepRegistered);
        redis.subscribeInOrder(EVERYONE, this::onBroadcast);
        redis.subscribeInOrder(REPLICA + replica, this::onDirect);
        LOG.info("client sessions are shared with other replicas over Redis (this replica: {})", replica);
    }

    private void deliverUntilClosed() {
        try {
            for (Runnable next = deliveries.take(); next != STOP; next = deliveries.take()) {
                try {
                    next.run();
                } catch (RuntimeException e) {
                    LOG.warn("a message for another replica was not delivered: {}", e.getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private RedisCommands<String, String> commands() {
        return connection.sync();
    }

    @Override
    public ClientSession create(String scope, Principal principal) {
        registeredBeforeUse();
        ClientSession session = local.create(scope, principal);
        try {
            commands().eval(CREATE, ScriptOutputType.INTEGER, new String[] {KEY + session.id()}, String.valueOf(ttl().toMillis()),
                    "scope", scope, "principal", Json.text(PrincipalJson.of(principal)), "replica", replica,
                    "urls", Json.text(Json.valueToTree(listenerUrls())));
        } catch (RuntimeException e) {
            local.remove(session.id()); // not half made: no local session the others could never find
            throw e;
        }
        refreshed.put(session.id(), System.nanoTime());
        return session;
    }

    @Override
    public ClientSession ephemeral(String scope, Principal principal) {
        return local.ephemeral(scope, principal); // one request's: nothing for another replica to find
    }

    @Override
    public void release(ClientSession session) {
        local.release(session);
    }

    @Override
    public ClientSession find(String id) {
        if (id == null) {
            return null;
        }
        ClientSession here = local.find(id);
        if (here == null && !Thread.currentThread().isVirtual()) {
            return null; // an I/O thread (an upstream's notification) never waits on Redis: only copies held here count
        }
        if (here != null) {
            if (!here.initialized()) { // it may have been initialized through another replica since this copy was made
                restore(here, commands().hgetall(KEY + id));
            }
            keepAlive(here);
            return here;
        }
        Map<String, String> stored = commands().hgetall(KEY + id);
        if (stored == null || !stored.containsKey("principal")) {
            return null; // never existed, ended, or expired on every replica
        }
        String owner = stored.get("replica");
        if (owner != null && !replica.equals(owner)) {
            owners.put(id, owner);
            if (stored.get("urls") != null && Json.parse(stored.get("urls")) instanceof ObjectNode urls) {
                Map<String, String> known = new java.util.LinkedHashMap<>();
                urls.properties().forEach(e -> known.put(e.getKey(), e.getValue().asString("")));
                lastKnown.putIfAbsent(owner, new Known(known, System.nanoTime())); // the session's record: where its replica was
            }
        }
        ClientSession adopted = local.adopt(id, stored.get("scope"), PrincipalJson.parse(Json.parse(stored.get("principal"))),
                stored.get("version"), object(stored.get("capabilities")), object(stored.get("info")),
                "1".equals(stored.get("initialized")));
        local.refreshLogLevel(adopted, stored.get("level"));
        if (commands().exists(KEY + id) == 0) { // ended (or expired) between the reading and the copy
            local.remove(id);
            return null;
        }
        keepAlive(adopted);
        return adopted;
    }

    private void restore(ClientSession session, Map<String, String> stored) {
        if (stored != null && stored.containsKey("version")) {
            local.refresh(session, stored.get("version"), object(stored.get("capabilities")), object(stored.get("info")),
                    "1".equals(stored.get("initialized")));
            local.refreshLogLevel(session, stored.get("level"));
        }
    }

    /** Pushes the shared session's expiry back as its client keeps using it (without a round trip per request). */
    private void keepAlive(ClientSession session) {
        long now = System.nanoTime();
        Long last = refreshed.get(session.id());
        if (last == null || now - last > idleTimeout.toNanos() / 4) {
            refreshed.put(session.id(), now);
            connection.async().pexpire(KEY + session.id(), ttl().toMillis()).thenAcceptAsync(alive -> {
                if (!alive) {
                    local.remove(session.id()); // it ended everywhere meanwhile: this copy ends too
                }
            }, task -> Thread.ofVirtual().start(task));
        }
    }

    /**
     * A session's shared record lives a quarter of the idle timeout longer than the timeout, since each replica pushes
     * it back at most every quarter: one in use never lapses between two pushes.
     */
    private Duration ttl() {
        return idleTimeout.plus(idleTimeout.dividedBy(4));
    }

    /** A session whose stream is open here is in use even when its client sends nothing: its record is kept alive. */
    private void keepStreamsAlive() {
        while (!closed) {
            try {
                Thread.sleep(Math.max(50, idleTimeout.toMillis() / 4));
            } catch (InterruptedException e) {
                return;
            }
            for (ClientSession session : local.all()) {
                if (session.hasStream() && !closed) {
                    refreshed.remove(session.id());
                    keepAlive(session);
                }
            }
        }
    }

    @Override
    public boolean remove(String id) {
        if (id == null) {
            return false;
        }
        // the end is told to all even when Redis refuses the delete: no replica keeps serving a session ended here
        boolean shared;
        try {
            shared = commands().del(KEY + id) > 0;
        } finally {
            broadcast("ended", id, null);
        }
        return local.remove(id) || shared;
    }

    @Override
    public String ownerReplica(ClientSession session) {
        return owners.get(session.id());
    }

    @Override
    public void announceCancel(String requestKey, JsonNode requestId) {
        ObjectNode cancel = Json.object();
        cancel.put("from", replica);
        cancel.set("requestId", requestId);
        broadcast("cancel-request", requestKey, cancel);
    }

    @Override
    public void onCancelAnnounced(java.util.function.BiConsumer<String, JsonNode> listener) {
        cancelListeners.add(listener);
    }

    @Override
    public String replicaTag() {
        return replica;
    }

    /**
     * Before this replica hands out a session that names it, the others must be able to find it: a request registers
     * it when the periodic registration has not (yet, or lately: Redis refused it), at most once a second.
     */
    private void registeredBeforeUse() {
        long now = System.nanoTime();
        if (now - registeredUntil < 0 || !Thread.currentThread().isVirtual() || now - lastInlineRegistration < 1_000_000_000L) {
            return;
        }
        lastInlineRegistration = now;
        register();
    }

    /** Tells the others where this replica's listeners are, from the moment they listen until it stops. */
    private void keepRegistered() {
        while (!closed) {
            long pause = switch (register()) {
                case 1 -> REGISTRATION_REFRESH.toMillis();
                case 0 -> 1_000; // Redis refused: soon again
                default -> 10; // not listening yet
            };
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return; // stopping
            }
        }
    }

    /** Writes where the listeners are, with a fresh expiry: 1 done, 0 refused by Redis, -1 not listening yet. */
    private int register() {
        Map<String, String> urls = listenerUrls();
        if (urls.isEmpty() || closed) {
            return -1;
        }
        List<String> args = new ArrayList<>();
        args.add(String.valueOf(REGISTRATION_TTL.toMillis()));
        urls.forEach((name, url) -> {
            args.add(name);
            args.add(url);
        });
        try {
            commands().eval(REGISTER, ScriptOutputType.INTEGER, new String[] {REPLICA_URL + replica}, args.toArray(String[]::new));
            registeredUntil = System.nanoTime() + REGISTRATION_TTL.toNanos() / 2;
            return 1;
        } catch (RuntimeException e) {
            LOG.warn("could not tell the other replicas where this one is (tried again in 1 s): {}", e.getMessage());
            return 0;
        }
    }

    private Map<String, String> listenerUrls() {
        Map<String, String> urls = new java.util.LinkedHashMap<>();
        self.get().forEach((name, url) -> urls.put(name, url.toString()));
        return urls;
    }

    @Override
    public URI replicaElsewhere(String tag, String listener) {
        if (tag == null || tag.equals(replica) || !Thread.currentThread().isVirtual()) {
            return null; // only a request's own (virtual) thread waits on Redis
        }
        Map<String, String> registered = commands().hgetall(REPLICA_URL + tag);
        if (registered != null && !registered.isEmpty()) {
            lastKnown.put(tag, new Known(registered, System.nanoTime()));
        } else {
            // not registered: stopped, or Redis lost it (a restart) and the replica has not written it again yet;
            // where it was lately is tried, and a refused connection then says it is gone
            Known known = lastKnown.get(tag);
            if (known != null && System.nanoTime() - known.seenAt() > LAST_KNOWN_FOR.toNanos()) {
                lastKnown.remove(tag, known);
                known = null;
            }
            registered = known == null ? null : known.urls();
        }
        String url = registered == null ? null : registered.get(listener);
        return url == null ? null : URI.create(url);
    }

    @Override
    public boolean registered(String tag) {
        return tag != null && Thread.currentThread().isVirtual() && commands().exists(REPLICA_URL + tag) > 0;
    }

    @Override
    public Collection<ClientSession> all() {
        return local.all();
    }

    @Override
    public void onClose(Consumer<ClientSession> listener) {
        local.onClose(listener);
    }

    @Override
    public void close() {
        closed = true;
        // what is on its way to other replicas' streams (answers to legacy SSE clients among it) goes first, briefly
        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (!deliveries.isEmpty() && System.nanoTime() < until) {
            try {
                Thread.sleep(10); // at stop only: the worker drains the queue meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        deliveries.clear();
        deliveries.offer(STOP);
        registration.interrupt(); // no registration written after the delete
        try {
            registration.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try { // the others stop sending here at once, instead of trying an address nobody answers until it lapses
            commands().del(REPLICA_URL + replica);
        } catch (RuntimeException e) {
            LOG.debug("this replica's address lapses by itself in {} s: {}", REGISTRATION_TTL.toSeconds(), e.getMessage());
        }
        local.close();
        connection.close();
    }

    private void broadcast(String type, String session, JsonNode value) {
        redis.publish(EVERYONE, envelope(type, session, value));
    }

    private static String envelope(String type, String session, JsonNode value) {
        ObjectNode message = Json.object();
        message.put("t", type);
        message.put("s", session);
        if (value != null) {
            message.set("m", value);
        }
        return Json.text(message);
    }

    private void onBroadcast(String text) {
        JsonNode event = Json.parse(text);
        String id = event.path("s").asString("");
        switch (event.path("t").asString("")) {
            case "ended" -> {
                streamHolders.remove(id);
                local.remove(id);
            }
            case "changed" -> {
                ClientSession session = local.find(id);
                if (session != null && event.get("m") instanceof ObjectNode state) {
                    local.refresh(session, state.path("version").asString(null), state.get("capabilities") instanceof ObjectNode c ? c : null,
                            state.get("info") instanceof ObjectNode i ? i : null, state.path("initialized").asBoolean(false));
                    local.refreshLogLevel(session, state.path("level").asString(null));
                }
            }
            case "cancel" -> {
                ClientSession session = local.find(id);
                if (session != null) {
                    session.cancelHere(event.get("m"));
                }
            }
            case "cancel-request" -> {
                JsonNode cancel = event.path("m");
                if (!replica.equals(cancel.path("from").asString(""))) { // not the one this replica announced itself
                    cancelListeners.forEach(l -> l.accept(id, cancel.get("requestId")));
                }
            }
            case "stream" -> {
                String holder = event.path("m").asString("");
                String closedBy = event.path("closedBy").asString("");
                if (!holder.isEmpty()) {
                    if (local.find(id) != null) { // only for sessions with a copy here: the map stays as small as they are
                        streamHolders.put(id, holder);
                    }
                } else if (!closedBy.isEmpty()) {
                    streamHolders.remove(id, closedBy);
                }
            }
            default -> LOG.debug("unknown session event {}", text);
        }
    }

    /** What another replica sent this one: a message for a stream held here, or a client's answer to a question asked here. */
    private void onDirect(String text) {
        JsonNode event = Json.parse(text);
        ClientSession session = find(event.path("s").asString(null));
        if (session == null || !(event.get("m") instanceof ObjectNode message)) {
            return;
        }
        switch (event.path("t").asString("")) {
            case "deliver" -> session.sendHere(message);
            case "answer" -> session.answeredHere(new Message.Response(message));
            default -> LOG.debug("unknown direct event {}", text);
        }
    }

    private static ObjectNode object(String json) {
        return json == null ? null : Json.parse(json) instanceof ObjectNode o ? o : null;
    }

    /** How this replica's sessions reach the others. */
    private final class Peers implements SessionPeers {
        /**
         * Every message for a stream not open here goes through one ordered worker (the caller may be an upstream's
         * I/O thread, which must not wait on Redis): it finds the holder, asking Redis if no announcement named one
         * yet, and publishes there, or queues here when no replica holds a stream. One worker keeps the order.
         */
        @Override
        public boolean deliverElsewhere(ClientSession session, ObjectNode message) {
            if (!deliveries.offer(() -> deliver(session, message))) {
                LOG.warn("{} messages for other replicas wait already: one for session {} dropped", DELIVERY_BACKLOG, session.id());
            }
            return true;
        }

        private void deliver(ClientSession session, ObjectNode message) {
            String holder = streamHolders.get(session.id());
            if (holder == null) {
                holder = commands().hget(KEY + session.id(), "stream");
            }
            if (holder == null || holder.isEmpty() || holder.equals(replica) || session.hasStream()) {
                session.sendHere(message);
            } else {
                redis.publish(REPLICA + holder, envelope("deliver", session.id(), message));
            }
        }

        @Override
        public boolean answerElsewhere(ClientSession session, Message.Response response) {
            String id = response.id() == null ? "" : response.id().asString("");
            String prefix = "forge-";
            int end = id.indexOf('-', prefix.length());
            if (!id.startsWith(prefix) || end < 0 || id.substring(prefix.length(), end).equals(replica)) {
                return false;
            }
            redis.publish(REPLICA + id.substring(prefix.length(), end), envelope("answer", session.id(), response.node()));
            return true;
        }

        @Override
        public void cancelElsewhere(ClientSession session, JsonNode requestId) {
            broadcast("cancel", session.id(), requestId);
        }

        @Override
        public void changed(ClientSession session) {
            Map<String, String> fields = new LinkedHashMap<>();
            if (session.protocolVersion() != null) {
                fields.put("version", session.protocolVersion());
            }
            if (session.clientCapabilities() != null) {
                fields.put("capabilities", Json.text(session.clientCapabilities()));
            }
            if (session.clientInfo() != null) {
                fields.put("info", Json.text(session.clientInfo()));
            }
            fields.put("initialized", session.initialized() ? "1" : "0");
            if (session.logLevel() != null) {
                fields.put("level", session.logLevel());
            }
            List<String> args = new ArrayList<>();
            fields.forEach((k, v) -> {
                args.add(k);
                args.add(v);
            });
            commands().eval(UPDATE, ScriptOutputType.INTEGER, new String[] {KEY + session.id()}, args.toArray(String[]::new));
            // the other copies (the replica holding a legacy SSE stream made one before initialize) catch up at once
            ObjectNode state = Json.object();
            state.put("version", session.protocolVersion());
            state.set("capabilities", session.clientCapabilities());
            state.set("info", session.clientInfo());
            state.put("initialized", session.initialized());
            state.put("level", session.logLevel());
            broadcast("changed", session.id(), state);
        }

        @Override
        public void stream(ClientSession session, boolean open) {
            ObjectNode event = Json.object();
            event.put("t", "stream");
            event.put("s", session.id());
            if (open) {
                streamHolders.put(session.id(), replica);
                event.put("m", replica);
                // before the client can send anything more; a session that already ended is not brought back
                commands().eval(UPDATE, ScriptOutputType.INTEGER, new String[] {KEY + session.id()}, "stream", replica);
            } else {
                streamHolders.remove(session.id(), replica);
                event.put("closedBy", replica);
                connection.async().eval(RELEASE, ScriptOutputType.INTEGER, new String[] {KEY + session.id()}, replica);
            }
            redis.publish(EVERYONE, Json.text(event));
        }

        @Override
        public String askPrefix() {
            return "forge-" + replica + "-";
        }
    }
}

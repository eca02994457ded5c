package dev.forge.session;

import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One client's MCP session: who it is, what it negotiated, and a bounded queue of messages waiting for its
 * server-to-client stream. Holds nothing that ties it to one transport or thread.
 */
public final class ClientSession {

    /** Messages kept for a client whose stream is not draining; beyond this the oldest are dropped. */
    static final int OUTBOUND_CAPACITY = 1024;
    /** Events written to the server-to-client stream kept for a client that reconnects with Last-Event-ID. */
    static final int REPLAY_WINDOW = 256;

    /** Wakes a stream's writer so it notices it has been replaced; never written to a client. */
    private static final ObjectNode WAKE = Json.object();

    /** A message as written on the session's stream, with the id a reconnecting client can resume after. */
    public record Event(long id, ObjectNode message) {}

    private final String id;
    private final String scope;
    private final dev.forge.auth.Principal principal;
    private final Clock clock;
    private final BlockingDeque<ObjectNode> outbound = new LinkedBlockingDeque<>(OUTBOUND_CAPACITY);
    private final AtomicLong streamGeneration = new AtomicLong();
    private final ArrayDeque<Event> replay = new ArrayDeque<>();
    private long lastEventId;
    private final AtomicBoolean streamOpen = new AtomicBoolean();
    private volatile String protocolVersion;
    private volatile ObjectNode clientCapabilities;
    private volatile ObjectNode clientInfo;
    private volatile boolean initialized;
    private volatile Instant lastActive;
    private volatile boolean closed;
    private final ConcurrentHashMap<JsonNode, InFlight> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Asked> askedClient = new ConcurrentHashMap<>();

    /** A request we sent the client, and the stream it went out on (null: the session's stream). */
    private record Asked(CompletableFuture<ObjectNode> answer, InFlight related) {}
    private final AtomicLong askIds = new AtomicLong();
    private final Set<String> subscriptions = ConcurrentHashMap.newKeySet();
    private volatile SessionPeers peers = SessionPeers.NONE;
    private volatile boolean copy;
    private volatile boolean ephemeral;
    /** The level of log messages the client asked for (logging/setLevel), or null: what a modern upstream is told. */
    private volatile String logLevel;
    private volatile Asker asker;
    private volatile InFlight relayTarget;

    ClientSession(String id, String scope, dev.forge.auth.Principal principal, Clock clock) {
        this.id = id;
        this.scope = scope;
        this.principal = principal;
        this.clock = clock;
        this.lastActive = clock.instant();
    }

    public String id() {
        return id;
    }

    /** Who opened the session; only the same subject may use it. */
    public dev.forge.auth.Principal principal() {
        return principal;
    }

    /** True if this request's principal is the one that opened the session. */
    public boolean ownedBy(dev.forge.auth.Principal caller) {
        return principal.authenticated() == caller.authenticated() && principal.subject().equals(caller.subject());
    }

    /** Which catalog view this session sees. */
    public String scope() {
        return scope;
    }

    public String protocolVersion() {
        return protocolVersion;
    }

    public ObjectNode clientCapabilities() {
        return clientCapabilities;
    }

    public ObjectNode clientInfo() {
        return clientInfo;
    }

    public boolean initialized() {
        return initialized;
    }

    public void negotiated(String version, ObjectNode capabilities, ObjectNode info) {
        this.protocolVersion = version;
        this.clientCapabilities = capabilities;
        this.clientInfo = info;
        peers.changed(this);
    }

    public String logLevel() {
        return logLevel;
    }

    /** The client asked for log messages at this level and above ({@code logging/setLevel}). */
    public void logLevel(String level) {
        this.logLevel = level;
        peers.changed(this);
    }

    void restoreLogLevel(String level) {
        this.logLevel = level;
    }

    public void markInitialized() {
        if (!initialized) {
            initialized = true;
            peers.changed(this);
        }
    }

    /** This replica's copy of a session another replica began (not counted against the principal's limit here). */
    void markCopy() {
        copy = true;
    }

    /** A session that stands for one modern-era request or subscription stream: kept nowhere, counted nowhere. */
    public boolean ephemeral() {
        return ephemeral;
    }

    void markEphemeral() {
        ephemeral = true;
    }

    boolean isCopy() {
        return copy;
    }

    /** How this session reaches the other replicas (set once by the store that made it). */
    void peers(SessionPeers peers) {
        this.peers = peers;
        if (peers != SessionPeers.NONE) {
            // a copy made again later must not reuse the ids of questions the one before it asked (a late answer to an
            // old question would complete a new one): each copy numbers its questions from a random start
            askIds.set(java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << 40) * 1_000);
        }
    }

    /** A copy of a session another replica made: what it negotiated, as that replica recorded it. */
    void restore(String version, ObjectNode capabilities, ObjectNode info, boolean initialized) {
        this.protocolVersion = version;
        this.clientCapabilities = capabilities;
        this.clientInfo = info;
        this.initialized = initialized;
    }

    public void touch() {
        lastActive = clock.instant();
    }

    boolean idleLongerThan(Duration limit) {
        return !streamOpen.get() && Duration.between(lastActive, clock.instant()).compareTo(limit) > 0;
    }

    /**
     * Queues a server-to-client message for the session's stream: here, unless another replica holds that stream;
     * when the queue is full the oldest message gives way.
     */
    public void send(ObjectNode message) {
        InFlight target = relayTarget;
        if (target != null && !closed && target.relayHere(message)) {
            return; // a modern call's later round: its messages go on to the request that carries it on
        }
        if (closed || (!streamOpen.get() && peers.deliverElsewhere(this, message))) {
            return;
        }
        sendHere(message);
    }

    /**
     * What a modern-era client's request asks of it, in place of requests sent to it: the request's answer carries the
     * question, and the client's next request the answer ({@code InputRequiredResult}, MCP 2026-07-28).
     */
    public interface Asker {
        CompletableFuture<ObjectNode> ask(String method, ObjectNode params);

        /** Questions asked together, answered in one round; by default one after the other. */
        default List<CompletableFuture<ObjectNode>> askAll(List<Map.Entry<String, ObjectNode>> questions) {
            return questions.stream().map(q -> ask(q.getKey(), q.getValue())).toList();
        }

        /** The upstream no longer needs that answer. */
        void withdraw(CompletableFuture<ObjectNode> asked);
    }

    public Asker asker() {
        return asker;
    }

    /** Makes this (ephemeral) session's questions go to {@code asker}. */
    public void askThrough(Asker asker) {
        this.asker = asker;
    }

    /**
     * From now on, what comes for the session's earlier requests (progress of a call whose first round has been
     * answered) goes to {@code target}'s stream; what came meanwhile goes there first.
     */
    public void relayTo(InFlight target) {
        relayTarget = target;
        for (ObjectNode held; (held = outbound.poll()) != null; ) {
            if (held != WAKE) {
                target.relay(held);
            }
        }
    }

    /**
     * Queues a message for a stream of this replica only: what every replica produces for itself (a catalog change
     * each one sees), or what another replica delivered here.
     */
    public void sendHere(ObjectNode message) {
        if (closed) {
            return;
        }
        while (!outbound.offer(message)) {
            outbound.poll();
        }
    }

    /**
     * The next queued message for the stream of {@code generation}, waiting at most {@code wait}; null if none came,
     * the session closed, or a newer stream took over (then the message stays queued for that one).
     */
    public ObjectNode nextOutbound(long generation, Duration wait) throws InterruptedException {
        while (!closed && streamGeneration.get() == generation) {
            ObjectNode message = outbound.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (message == WAKE) {
                continue;
            }
            if (message != null && streamGeneration.get() != generation) {
                outbound.offerFirst(message);
                return null;
            }
            return message;
        }
        return null;
    }

    /**
     * Makes a new stream the session's one server-to-client stream and returns its generation. A stream still open
     * (a client reconnecting before we noticed the old connection died) is told to stop.
     */
    public long openStream() {
        long generation = streamGeneration.incrementAndGet();
        streamOpen.set(true);
        outbound.offerFirst(WAKE);
        peers.stream(this, true);
        return generation;
    }

    /** True while {@code generation} is the session's current stream. */
    public boolean isCurrentStream(long generation) {
        return !closed && streamGeneration.get() == generation;
    }

    public void closeStream(long generation) {
        if (streamGeneration.get() == generation) {
            streamOpen.set(false);
            outbound.remove(WAKE);
            peers.stream(this, false);
        }
        touch();
    }

    /** Gives a message its event id and keeps it in the replay window before it is written. */
    public synchronized Event record(ObjectNode message) {
        Event event = new Event(++lastEventId, message);
        replay.addLast(event);
        if (replay.size() > REPLAY_WINDOW) {
            replay.removeFirst();
        }
        return event;
    }

    /** Events after {@code lastSeen} still in the replay window, oldest first. */
    public synchronized List<Event> since(long lastSeen) {
        List<Event> missed = new ArrayList<>();
        for (Event e : replay) {
            if (e.id() > lastSeen) {
                missed.add(e);
            }
        }
        return missed;
    }

    public boolean hasStream() {
        return streamOpen.get();
    }

    public boolean isClosed() {
        return closed;
    }

    /** Registers a client request as being answered; related messages stream on it when {@code streamable}. */
    public InFlight begin(JsonNode clientId, boolean streamable) {
        InFlight request = new InFlight(clientId, streamable, this::send);
        inFlight.put(clientId, request);
        return request;
    }

    public void end(InFlight request) {
        inFlight.remove(request.clientId(), request);
    }

    /** The client cancelled one of its requests ({@code notifications/cancelled}). */
    public void cancel(JsonNode clientId) {
        if (!cancelHere(clientId) && clientId != null) {
            peers.cancelElsewhere(this, clientId);
        }
    }

    /** Cancels the request if this replica runs it; false if it does not. */
    public boolean cancelHere(JsonNode clientId) {
        InFlight request = clientId == null ? null : inFlight.get(clientId);
        if (request != null) {
            request.cancel();
        }
        return request != null;
    }

    /**
     * Sends a request to the client (on {@code related}'s stream when given, else the session's stream) and
     * completes with the client's whole response message.
     */
    public CompletableFuture<ObjectNode> ask(String method, ObjectNode params, InFlight related) {
        if (ephemeral) { // a modern-era client takes no requests: its call answers with what it needs instead
            Asker bridge = asker;
            return bridge != null ? bridge.ask(method, params)
                    : CompletableFuture.completedFuture(Message.error(null, new JsonRpcError(JsonRpcError.METHOD_NOT_FOUND,
                            method + " cannot reach this client: it speaks MCP " + protocolVersion + ", which has no requests"
                                    + " from server to client, and this request cannot ask for input")).node());
        }
        String id = peers.askPrefix() + askIds.incrementAndGet();
        CompletableFuture<ObjectNode> answer = new CompletableFuture<>();
        askedClient.put(id, new Asked(answer, related));
        answer.whenComplete((ok, failure) -> askedClient.remove(id));
        ObjectNode request = Message.request(tools.jackson.databind.node.JsonNodeFactory.instance.stringNode(id), method, params).node();
        if (related != null) {
            related.relay(request);
        } else {
            send(request);
        }
        return answer;
    }

    /**
     * Several requests to the client at once (a modern upstream's questions of one round): to a modern client, one
     * round of its call; to a legacy client, requests side by side.
     */
    public List<CompletableFuture<ObjectNode>> askAll(List<Map.Entry<String, ObjectNode>> questions, InFlight related) {
        Asker bridge = asker;
        if (ephemeral && bridge != null) {
            return bridge.askAll(questions);
        }
        return questions.stream().map(q -> ask(q.getKey(), q.getValue(), related)).toList();
    }

    /** Withdraws a request made with {@link #ask}; the client hears {@code notifications/cancelled}. */
    public void withdraw(CompletableFuture<ObjectNode> asked, String reason) {
        Asker bridge = asker;
        if (ephemeral && bridge != null) {
            bridge.withdraw(asked);
            return;
        }
        for (var entry : askedClient.entrySet()) {
            if (entry.getValue().answer() == asked && askedClient.remove(entry.getKey(), entry.getValue())) {
                ObjectNode params = Json.object();
                params.put("requestId", entry.getKey());
                if (reason != null) {
                    params.put("reason", reason);
                }
                ObjectNode cancelled = Message.notification("notifications/cancelled", params).node();
                InFlight related = entry.getValue().related();
                if (related != null) {
                    related.relay(cancelled); // on the stream the question went out on
                } else {
                    send(cancelled);
                }
                asked.complete(Message.error(null, new JsonRpcError(JsonRpcError.REQUEST_CANCELLED,
                        "Request cancelled by the server: " + reason)).node());
                return;
            }
        }
    }

    /** The client answered one of our requests; false if we were not waiting for that id. */
    public boolean answered(Message.Response response) {
        return answeredHere(response) || peers.answerElsewhere(this, response);
    }

    /** The client answered a question this replica asked; false if it asked none with that id. */
    public boolean answeredHere(Message.Response response) {
        JsonNode id = response.id();
        Asked waiting = id == null ? null : askedClient.get(id.asString(""));
        return waiting != null && waiting.answer().complete(response.node());
    }

    /** Client requests still being answered. */
    public int inFlightCount() {
        return inFlight.size();
    }

    public Set<String> subscriptions() {
        return subscriptions;
    }

    void close() {
        closed = true;
        outbound.clear();
        synchronized (this) {
            replay.clear();
        }
        JsonRpcError gone = new JsonRpcError(JsonRpcError.INTERNAL_ERROR, "The client session ended");
        askedClient.values().forEach(a -> a.answer().complete(Message.error(null, gone).node()));
        inFlight.values().forEach(InFlight::cancel);
    }
}

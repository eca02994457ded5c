package dev.forge.session;

import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
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

    private final String id;
    private final String scope;
    private final Clock clock;
    private final BlockingQueue<ObjectNode> outbound = new ArrayBlockingQueue<>(OUTBOUND_CAPACITY);
    private final AtomicBoolean streamOpen = new AtomicBoolean();
    private volatile String protocolVersion;
    private volatile ObjectNode clientCapabilities;
    private volatile ObjectNode clientInfo;
    private volatile boolean initialized;
    private volatile Instant lastActive;
    private volatile boolean closed;
    private final ConcurrentHashMap<JsonNode, InFlight> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<ObjectNode>> askedClient = new ConcurrentHashMap<>();
    private final AtomicLong askIds = new AtomicLong();
    private final Set<String> subscriptions = ConcurrentHashMap.newKeySet();

    ClientSession(String id, String scope, Clock clock) {
        this.id = id;
        this.scope = scope;
        this.clock = clock;
        this.lastActive = clock.instant();
    }

    public String id() {
        return id;
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
    }

    public void markInitialized() {
        initialized = true;
    }

    public void touch() {
        lastActive = clock.instant();
    }

    boolean idleLongerThan(Duration limit) {
        return !streamOpen.get() && Duration.between(lastActive, clock.instant()).compareTo(limit) > 0;
    }

    /** Queues a server-to-client message; when the queue is full the oldest message gives way. */
    public void send(ObjectNode message) {
        if (closed) {
            return;
        }
        while (!outbound.offer(message)) {
            outbound.poll();
        }
    }

    /** The next queued message, waiting at most {@code wait}; null if none came or the session closed. */
    public ObjectNode nextOutbound(Duration wait) throws InterruptedException {
        return closed ? null : outbound.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Claims the session's one server-to-client stream; false if another is already open. */
    public boolean openStream() {
        return streamOpen.compareAndSet(false, true);
    }

    public void closeStream() {
        streamOpen.set(false);
        touch();
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
        InFlight request = clientId == null ? null : inFlight.get(clientId);
        if (request != null) {
            request.cancel();
        }
    }

    /**
     * Sends a request to the client (on {@code related}'s stream when given, else the session's stream) and
     * completes with the client's whole response message.
     */
    public CompletableFuture<ObjectNode> ask(String method, ObjectNode params, InFlight related) {
        String id = "forge-" + askIds.incrementAndGet();
        CompletableFuture<ObjectNode> answer = new CompletableFuture<>();
        askedClient.put(id, answer);
        answer.whenComplete((ok, failure) -> askedClient.remove(id));
        ObjectNode request = Message.request(tools.jackson.databind.node.JsonNodeFactory.instance.stringNode(id), method, params).node();
        if (related != null) {
            related.relay(request);
        } else {
            send(request);
        }
        return answer;
    }

    /** The client answered one of our requests; false if we were not waiting for that id. */
    public boolean answered(Message.Response response) {
        JsonNode id = response.id();
        CompletableFuture<ObjectNode> waiting = id == null ? null : askedClient.get(id.asString(""));
        return waiting != null && waiting.complete(response.node());
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
        JsonRpcError gone = new JsonRpcError(JsonRpcError.INTERNAL_ERROR, "The client session ended");
        askedClient.values().forEach(f -> f.complete(Message.error(null, gone).node()));
        inFlight.values().forEach(InFlight::cancel);
    }
}

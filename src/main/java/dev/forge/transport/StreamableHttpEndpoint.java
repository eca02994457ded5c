package dev.forge.transport;

import dev.forge.auth.Principal;
import dev.forge.protocol.Json;
import dev.forge.session.SessionLimitException;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.JsonRpcException;
import dev.forge.protocol.Message;
import dev.forge.protocol.ProtocolVersions;
import dev.forge.session.ClientSession;
import dev.forge.session.SessionStore;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import dev.forge.session.Subscribers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Streamable HTTP transport (MCP 2025-03-26 and later) on one endpoint: POST carries client messages, GET opens
 * the server-to-client stream, DELETE ends the session.
 */
public final class StreamableHttpEndpoint {

    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final String VERSION_HEADER = "MCP-Protocol-Version";
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    /** Marks the end of a request's related messages in its queue; compared by identity. */
    private static final ObjectNode END_OF_RELATED = Json.object();

    private final Inbound inbound;
    private final SessionStore sessions;
    private final Predicate<String> scopeExists;
    private final Duration responseDeadline;
    private final Batches batches;
    private final OwnerHop ownerHop;
    private final ModernEndpoint modern;

    public StreamableHttpEndpoint(dev.forge.dispatch.McpHandler handler, SessionStore sessions,
                                  Predicate<String> scopeExists, Duration requestTimeout, Batches batches) {
        this(handler, sessions, scopeExists, requestTimeout, batches, OwnerHop.NONE, new Subscribers(),
                dev.forge.config.ForgeConfig.DEFAULT_TASK_AFTER);
    }

    /**
     * @param ownerHop serves on their session's replica the requests only it can serve
     * @param subscribers where modern clients' {@code subscriptions/listen} streams are kept for the notifiers
     * @param taskAfter how long a modern tool call runs before its client gets a task handle (null: never)
     */
    public StreamableHttpEndpoint(dev.forge.dispatch.McpHandler handler, SessionStore sessions, Predicate<String> scopeExists,
                                  Duration requestTimeout, Batches batches, OwnerHop ownerHop, Subscribers subscribers,
                                  Duration taskAfter) {
        this.ownerHop = ownerHop;
        this.inbound = new Inbound(handler);
        ModernCalls calls = new ModernCalls(sessions, requestTimeout);
        ModernTasks tasks = new ModernTasks(calls, taskAfter);
        this.modern = new ModernEndpoint(inbound, sessions, this, new ModernListen(inbound, sessions, subscribers, requestTimeout, tasks),
                calls, tasks, ownerHop);
        this.batches = batches;
        this.sessions = sessions;
        this.scopeExists = scopeExists;
        this.responseDeadline = Inbound.answerDeadline(requestTimeout);
    }

    public void post(Context ctx, String scope) {
        if (ownerHop.misdirected(ctx)) {
            return;
        }
        if (!scopeExists.test(scope)) {
            HttpErrors.reply(ctx, 404, JsonRpcError.INVALID_REQUEST, "Not Found: no MCP endpoint " + ctx.path());
            return;
        }
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            HttpErrors.reply(ctx, 415, JsonRpcError.INVALID_REQUEST,
                    "Unsupported Media Type: Content-Type must be application/json, got " + contentType);
            return;
        }
        Accept accept = Accept.parse(ctx.header("Accept"));
        if (accept.none()) {
            HttpErrors.reply(ctx, 406, JsonRpcError.INVALID_REQUEST,
                    "Not Acceptable: Accept must include application/json and text/event-stream");
            return;
        }
        byte[] bytes = HttpBodies.read(ctx);
        if (Batches.isBatch(bytes) && !batches.admit(ctx, bytes)) {
            return;
        }
        JsonNode body;
        try {
            body = Json.parse(bytes);
            TraceParent.adopt(ctx, body);
        } catch (JsonRpcException e) {
            HttpErrors.reply(ctx, 400, e.error().code(), e.getMessage());
            return;
        }
        if (body.isArray()) {
            for (JsonNode item : body) {
                if (ModernEnvelope.claimed(item)) {
                    HttpErrors.reply(ctx, 400, JsonRpcError.INVALID_REQUEST,
                            "Invalid Request: a batch cannot carry modern-era (MCP 2026-07-28) messages; send them one per request");
                    return;
                }
            }
            batch(ctx, scope, (ArrayNode) body, accept);
            return;
        }
        Message message;
        try {
            message = Message.of(body);
        } catch (JsonRpcException e) {
            HttpErrors.reply(ctx, 400, body.get("id"), e.error().code(), e.getMessage());
            return;
        }
        if (ModernEnvelope.claimed(body)) { // the era is the request's own, whatever came before it
            modern.post(ctx, scope, message, accept, bytes);
            return;
        }
        if (ProtocolVersions.isModern(ctx.header(VERSION_HEADER))) {
            boolean init = message instanceof Message.Request r && "initialize".equals(r.method());
            HttpErrors.reply(ctx, 400, body.get("id"), init ? JsonRpcError.HEADER_MISMATCH : JsonRpcError.INVALID_PARAMS,
                    "Bad Request: " + VERSION_HEADER + " names " + ctx.header(VERSION_HEADER) + " but params._meta lacks "
                            + ModernEnvelope.VERSION + (init ? " (initialize begins a legacy session; a modern client uses server/discover)"
                            : " (a modern request carries its envelope in every request)"));
            return;
        }
        if (message instanceof Message.Request request && "initialize".equals(request.method())) {
            initialize(ctx, scope, request, accept);
            return;
        }
        ClientSession session = session(ctx, scope, body.get("id"));
        if (session == null) {
            return;
        }
        if (ownerHop.served(ctx, session, message, bytes)) {
            return;
        }
        Inbound.Answer answer = inbound.accept(session, message, accept.eventStream());
        if (answer == null) {
            ctx.status(202);
            return;
        }
        respond(ctx, session, answer, accept);
    }

    /**
     * Writes the answer to one request. Its response is plain JSON unless the upstream sends something related to
     * it first (progress, a log line, a question for the client): then the response becomes an SSE stream carrying
     * those messages and, last, the response. No thread waits meanwhile: the request goes asynchronous, and the first
     * related message or the response starts a writer of its own.
     */
    private void respond(Context ctx, ClientSession session, Inbound.Answer answer, Accept accept) {
        respond(ctx, session, answer, accept, UnaryOperator.identity());
    }

    /** @param shown what becomes of each related message before it is written (null: it is not written) */
    void respond(Context ctx, ClientSession session, Inbound.Answer answer, Accept accept, UnaryOperator<ObjectNode> shown) {
        BlockingQueue<ObjectNode> related = answer.inFlight().related();
        JsonNode id = answer.inFlight().clientId();
        if (related == null) {
            write(ctx, await(answer.response(), id), accept);
            return;
        }
        if (answer.response().isDone() && related.isEmpty()) { // answered already: written here and now
            try {
                write(ctx, await(answer.response(), id), accept);
            } finally {
                answer.inFlight().finish();
            }
            return;
        }
        // The writer starts once both hold: the request is asynchronous (Javalin has taken the future, so the
        // response is ours to write), and there is something to write (the response, or a related message).
        CompletableFuture<Void> written = new CompletableFuture<>();
        AtomicInteger conditions = new AtomicInteger(2);
        AtomicBoolean somethingToWrite = new AtomicBoolean();
        Runnable startWriting = () -> Thread.ofVirtual().name("mcp-answer").start(() -> {
            try {
                stream(ctx, session, answer, accept, shown);
            } finally {
                if (stillOpen(ctx)) { // a server shut down meanwhile has recycled the request: leave it be
                    written.complete(null);
                }
            }
        });
        Runnable ready = () -> {
            if (somethingToWrite.compareAndSet(false, true) && conditions.decrementAndGet() == 0) {
                startWriting.run();
            }
        };
        answer.inFlight().onRelated(ready);
        // every call the handler makes is bounded by its own timeout, so the response always comes
        answer.response().whenComplete((ok, failure) -> {
            while (!related.offer(END_OF_RELATED)) { // bounded: a full queue gives up its oldest for the end marker
                related.poll();
            }
            ready.run();
        });
        if (!related.isEmpty() || hopped(ctx, accept)) {
            ready.run(); // something came before the hook was set, or another replica waits for the stream to open
        }
        ctx.future(() -> {
            if (conditions.decrementAndGet() == 0) {
                startWriting.run();
            }
            return written;
        });
    }

    /** Replayed here by another replica for a client that takes a stream: it is opened at once, and kept alive. */
    private static boolean hopped(Context ctx, Accept accept) {
        return accept.eventStream() && ctx.header(OwnerHop.HOP_HEADER) != null;
    }

    private static boolean stillOpen(Context ctx) {
        try {
            return ctx.req().isAsyncStarted();
        } catch (RuntimeException recycled) {
            return false;
        }
    }

    /**
     * Writes what is queued for one request, then its response; a quiet call gets keep-alive comments, and a client
     * found gone before its answer has its call cancelled — this stream cannot be resumed, so the answer has nowhere
     * to go.
     */
    private void stream(Context ctx, ClientSession session, Inbound.Answer answer, Accept accept, UnaryOperator<ObjectNode> shown) {
        BlockingQueue<ObjectNode> related = answer.inFlight().related();
        JsonNode id = answer.inFlight().clientId();
        SseWriter sse = null;
        long deadline = System.nanoTime() + responseDeadline.toNanos();
        long lastWrite = System.nanoTime();
        try {
            if (hopped(ctx, accept)) { // the replica waiting for this answer hears from this one however long it takes
                sse = SseWriter.open(ctx, null);
            }
            ObjectNode next;
            while (true) {
                // timed from the last byte written: messages not for this client must not hold back the keep-alive
                long untilKeepAlive = Math.max(0, lastWrite + KEEP_ALIVE.toNanos() - System.nanoTime());
                long wait = Math.min(Math.max(0, deadline - System.nanoTime()), untilKeepAlive);
                next = related.poll(wait, TimeUnit.NANOSECONDS);
                if (next == END_OF_RELATED || (next == null && deadline - System.nanoTime() <= 0)) {
                    break;
                }
                if (next != null && (next = shown.apply(next)) == null
                        && System.nanoTime() - lastWrite < KEEP_ALIVE.toNanos()) {
                    continue; // not for this client
                }
                if (sse == null) {
                    sse = SseWriter.open(ctx, null);
                }
                if (next == null) {
                    sse.keepAlive();
                } else {
                    sse.message(next);
                }
                lastWrite = System.nanoTime();
            }
            ObjectNode response = await(answer.response(), id);
            if (sse == null) {
                write(ctx, response, accept);
            } else {
                sse.message(response);
            }
        } catch (IOException e) {
            if (!answer.response().isDone()) {
                session.cancel(id);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            related.remove(END_OF_RELATED);
            answer.inFlight().finish();
        }
    }

    private void initialize(Context ctx, String scope, Message.Request request, Accept accept) {
        ClientSession session;
        try {
            session = sessions.create(scope, Principal.of(ctx));
        } catch (SessionLimitException e) {
            HttpErrors.reply(ctx, 429, request.id(), JsonRpcError.RATE_LIMITED, e.getMessage());
            return;
        }
        ObjectNode response = await(inbound.accept(session, request, false).response(), request.id());
        if (response.has("error")) {
            sessions.remove(session.id());
        } else {
            ctx.header(SESSION_HEADER, session.id());
        }
        write(ctx, response, accept);
    }

    private void batch(Context ctx, String scope, ArrayNode body, Accept accept) {
        if (body.isEmpty()) {
            HttpErrors.reply(ctx, 400, JsonRpcError.INVALID_REQUEST, "Invalid Request: empty batch");
            return;
        }
        ClientSession session = session(ctx, scope, null);
        if (session == null) {
            return;
        }
        List<CompletableFuture<ObjectNode>> responses = new ArrayList<>();
        List<JsonNode> ids = new ArrayList<>();
        for (JsonNode item : body) {
            try {
                Message message = Message.of(item);
                if (message instanceof Message.Request r && "initialize".equals(r.method())) {
                    throw new JsonRpcException(JsonRpcError.INVALID_REQUEST, "Invalid Request: initialize cannot be batched");
                }
                Inbound.Answer answer = inbound.accept(session, message, false);
                if (answer != null) {
                    ids.add(item.get("id"));
                    responses.add(answer.response());
                }
            } catch (JsonRpcException e) {
                ids.add(item.get("id"));
                responses.add(CompletableFuture.completedFuture(Message.error(item.get("id"), e.error()).node()));
            }
        }
        if (responses.isEmpty()) {
            ctx.status(202);
            return;
        }
        List<ObjectNode> answered = new ArrayList<>(responses.size());
        for (int i = 0; i < responses.size(); i++) {
            answered.add(await(responses.get(i), ids.get(i)));
        }
        List<byte[]> encoded = batches.bounded(answered);
        if (accept.json()) {
            ctx.status(200).contentType("application/json").result(Batches.array(encoded));
            return;
        }
        try {
            SseWriter sse = SseWriter.open(ctx, null);
            for (byte[] response : encoded) {
                sse.message(response);
            }
        } catch (IOException e) {
            // the client went away before its answer; nothing else to do
        }
    }

    /** The session a non-initialize message belongs to, or null after replying 400/404 as the spec says. */
    private ClientSession session(Context ctx, String scope, JsonNode id) {
        String sessionId = ctx.header(SESSION_HEADER);
        if (sessionId == null || sessionId.isBlank()) {
            HttpErrors.reply(ctx, 400, id, JsonRpcError.INVALID_REQUEST,
                    "Bad Request: Mcp-Session-Id header is required (send initialize first)");
            return null;
        }
        ClientSession session = sessions.find(sessionId);
        if (session == null || !session.scope().equals(scope) || !session.ownedBy(Principal.of(ctx))) {
            HttpErrors.reply(ctx, 404, id, JsonRpcError.INVALID_REQUEST,
                    "Session not found: " + sessionId + " (it expired or was deleted; initialize again)");
            return null;
        }
        String version = ctx.header(VERSION_HEADER);
        if (version != null && !ProtocolVersions.isSupported(version)) {
            HttpErrors.reply(ctx, 400, id, JsonRpcError.INVALID_REQUEST, "Bad Request: unsupported "
                    + VERSION_HEADER + ": " + version + " (supported: " + String.join(", ", ProtocolVersions.SUPPORTED) + ")");
            return null;
        }
        session.touch();
        return session;
    }

    void write(Context ctx, ObjectNode response, Accept accept) {
        if (accept.json()) {
            HttpBodies.json(ctx, 200, Json.bytes(response));
            return;
        }
        try {
            SseWriter.open(ctx, null).message(response);
        } catch (IOException e) {
            // the client went away before its answer; nothing else to do
        }
    }

    private ObjectNode await(CompletableFuture<ObjectNode> future, JsonNode idIfUnknown) {
        try {
            return future.get(responseDeadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return Message.error(idIfUnknown, new JsonRpcError(JsonRpcError.REQUEST_TIMEOUT, "Request timed out")).node();
        } catch (ExecutionException e) {
            return Message.error(idIfUnknown, dev.forge.dispatch.Failures.toError(e)).node();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Message.error(idIfUnknown, new JsonRpcError(JsonRpcError.INTERNAL_ERROR, "Interrupted")).node();
        }
    }

    /** Opens the server-to-client stream of a session; it lasts until the client disconnects or the session ends. */
    public void get(Context ctx, String scope) {
        Accept accept = Accept.parse(ctx.header("Accept"));
        if (!accept.eventStream()) {
            HttpErrors.reply(ctx, 406, JsonRpcError.INVALID_REQUEST, "Not Acceptable: GET needs Accept: text/event-stream");
            return;
        }
        ClientSession session = session(ctx, scope, null);
        if (session == null) {
            return;
        }
        long generation = session.openStream();
        try {
            SseWriter sse = SseWriter.open(ctx, session.id());
            String lastEventId = ctx.header("Last-Event-ID");
            if (lastEventId != null) {
                replay(session, sse, lastEventId);
            }
            pump(session, generation, sse);
        } catch (IOException e) {
            // client disconnected
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            session.closeStream(generation);
        }
    }

    /** Writes again what a reconnecting client missed, as far as the replay window reaches. */
    private static void replay(ClientSession session, SseWriter sse, String lastEventId) throws IOException {
        long lastSeen;
        try {
            lastSeen = Long.parseLong(lastEventId.trim());
        } catch (NumberFormatException e) {
            return; // not one of ours: nothing to resume
        }
        for (ClientSession.Event event : session.since(lastSeen)) {
            sse.message(event.id(), event.message());
        }
    }

    /**
     * Moves queued messages to the stream until the session closes or a write fails. Each is recorded with an
     * event id before it is written, so a message lost with a broken connection is replayed on reconnect.
     */
    static void pump(ClientSession session, long generation, SseWriter sse) throws IOException, InterruptedException {
        while (session.isCurrentStream(generation)) {
            ObjectNode message = session.nextOutbound(generation, KEEP_ALIVE);
            if (message != null) {
                ClientSession.Event event = session.record(message);
                sse.message(event.id(), event.message());
            } else if (session.isCurrentStream(generation)) {
                sse.keepAlive();
            }
        }
    }

    public void delete(Context ctx, String scope) {
        String sessionId = ctx.header(SESSION_HEADER);
        if (sessionId == null || sessionId.isBlank()) {
            HttpErrors.reply(ctx, 400, JsonRpcError.INVALID_REQUEST, "Bad Request: Mcp-Session-Id header is required");
            return;
        }
        ClientSession session = sessions.find(sessionId);
        if (session == null || !session.scope().equals(scope) || !session.ownedBy(Principal.of(ctx))) {
            HttpErrors.reply(ctx, 404, JsonRpcError.INVALID_REQUEST, "Session not found: " + sessionId);
            return;
        }
        sessions.remove(sessionId);
        ctx.status(200);
    }
}

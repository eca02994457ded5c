package dev.forge.transport;

import dev.forge.auth.Principal;
import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import dev.forge.protocol.ProtocolVersions;
import dev.forge.protocol.RawResult;
import dev.forge.session.ClientSession;
import dev.forge.session.InFlight;
import dev.forge.session.SessionStore;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The modern era (MCP 2026-07-28 on) on a Streamable HTTP endpoint: every request carries its revision and the
 * client's capabilities in {@code _meta}, and has no session. Each is served on a session made for it alone and
 * ended with it ({@link SessionStore#ephemeral}), so everything the legacy era does for a call — routing, rights,
 * progress, the upstream's answer — is done the same way; this class checks what the era requires of the request
 * (envelope, headers), answers what only this era has ({@code server/discover}, {@code subscriptions/listen}), and
 * gives results their modern shape ({@code resultType}, the server's identity, cache hints).
 */
final class ModernEndpoint {

    static final String METHOD_HEADER = "Mcp-Method";
    static final String NAME_HEADER = "Mcp-Name";
    /** Methods a modern client cannot use here: legacy ones (each error names the replacement). */
    private static final Set<String> NOT_SERVED_MODERN = Set.of("initialize", "ping", "logging/setLevel", "resources/subscribe",
            "resources/unsubscribe", "tasks/result", "tasks/list");
    /** The tasks extension's methods. */
    private static final Set<String> TASK_METHODS = Set.of("tasks/get", "tasks/update", "tasks/cancel");
    /** What a modern client may ask here. */
    private static final Set<String> SERVED = Set.of("server/discover", "subscriptions/listen", "tools/list", "tools/call",
            "prompts/list", "prompts/get", "resources/list", "resources/templates/list", "resources/read", "completion/complete");
    /** The requests that may answer with input_required (MCP 2026-07-28): a legacy upstream's questions become that. */
    private static final Set<String> MAY_ASK = Set.of("tools/call", "prompts/get", "resources/read");
    private static final Set<String> CACHEABLE = Set.of("tools/list", "prompts/list", "resources/list",
            "resources/templates/list", "resources/read");
    /**
     * How long a client may keep a list: the catalog changes when upstreams do, and a client that must know at once
     * listens for list changes. Private: what an endpoint lists depends on the caller's token.
     */
    static final long LIST_TTL_MS = 60_000;

    private final Inbound inbound;
    private final SessionStore sessions;
    private final StreamableHttpEndpoint http;
    private final ModernListen listen;
    private final ModernCalls calls;
    private final ModernTasks tasks;
    private final OwnerHop hop;
    /** Modern requests being answered, by who sent them and their id: what a notifications/cancelled names. */
    private final Map<String, ClientSession> running = new ConcurrentHashMap<>();
    /** Cancels that came before their request (the last few seconds' worth, at most 1,024): it is cancelled on arrival. */
    private final Map<String, Long> cancelledEarly = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > 1024 || System.nanoTime() - eldest.getValue() > 5_000_000_000L;
        }
    });
    private volatile ObjectNode serverInfo;

    ModernEndpoint(Inbound inbound, SessionStore sessions, StreamableHttpEndpoint http, ModernListen listen, ModernCalls calls,
                   ModernTasks tasks, OwnerHop hop) {
        this.hop = hop;
        this.calls = calls;
        this.tasks = tasks;
        this.inbound = inbound;
        this.sessions = sessions;
        this.http = http;
        this.listen = listen;
        sessions.onCancelAnnounced(this::cancelHere);
    }

    /**
     * Cancels the request (a call, or a listen stream) the key names if it runs here; else keeps the cancel for a few
     * seconds, since it may have overtaken its request on another connection.
     */
    private boolean cancelHere(String key, JsonNode requestId) {
        ClientSession asking = running.get(key);
        if (asking != null) {
            asking.cancelHere(requestId);
        }
        if (listen.cancel(key) || asking != null) {
            return true;
        }
        cancelledEarly.put(key, System.nanoTime());
        return false;
    }

    void post(Context ctx, String scope, Message message, Accept accept, byte[] body) {
        JsonNode id = message instanceof Message.Request r ? r.id() : null;
        try {
            ObjectNode params = message.node().get("params") instanceof ObjectNode p ? p : Json.object();
            ModernEnvelope envelope = ModernEnvelope.read(params);
            checkHeaders(ctx, message, params, envelope);
            switch (message) {
                case Message.Request request -> {
                    if (!servedElsewhere(ctx, request, body)) {
                        serve(ctx, scope, request, envelope, accept);
                    }
                }
                case Message.Notification notification -> {
                    if ("notifications/cancelled".equals(notification.method())) {
                        // closing a request's stream cancels it too; this is for listen streams and clients that say so
                        JsonNode requestId = notification.params().get("requestId");
                        String key = requestId == null ? null : ModernListen.key(scope, Principal.of(ctx), requestId);
                        // among replicas, another may run it; an unauthenticated caller's cancel stays here, as its
                        // request ids cannot be told from another anonymous client's
                        if (key != null && !cancelHere(key, requestId) && Principal.of(ctx).authenticated()) {
                            sessions.announceCancel(key, requestId);
                        }
                    }
                    ctx.status(202);
                }
                case Message.Response response -> throw new ModernRefusal(400, JsonRpcError.INVALID_REQUEST,
                        "Invalid Request: MCP " + envelope.version() + " has no requests from server to client, so nothing to answer");
            }
        } catch (ModernRefusal e) {
            HttpErrors.reply(ctx, e.status(), id, e.error());
        }
    }

    /**
     * Among replicas, a request that continues what another replica holds — the call its requestState names, the task
     * it names, the tasks a listen follows (all of one replica) — is served there: the ids carry the replica's tag.
     */
    private boolean servedElsewhere(Context ctx, Message.Request request, byte[] body) {
        String own = sessions.replicaTag();
        if (own == null) {
            return false;
        }
        String method = request.method();
        ObjectNode params = request.params();
        String tag;
        String what;
        if (MAY_ASK.contains(method) && params.has("requestState")) {
            tag = ReplicaIds.tagOf(params.path("requestState").asString(null), ModernCalls.STATE_PREFIX);
            what = "the call this requestState continues";
        } else if (TASK_METHODS.contains(method)) {
            tag = ReplicaIds.tagOf(params.path("taskId").asString(null), ModernTasks.ID_PREFIX);
            what = "the task '" + params.path("taskId").asString("") + "'";
        } else if ("subscriptions/listen".equals(method)) {
            tag = oneReplicaOf(params.path("notifications").path("taskIds"));
            what = null; // a listen is served here all the same: tasks held nowhere are not followed
        } else {
            return false;
        }
        if (tag == null || tag.equals(own)) {
            return false;
        }
        OwnerHop.Hop hop = this.hop.servedBy(ctx, tag, request, body);
        if (hop != OwnerHop.Hop.GONE) {
            return hop == OwnerHop.Hop.ANSWERED;
        }
        if (what == null) {
            return false; // a listen: served here, where those tasks are not followed
        }
        String retry = MAY_ASK.contains(method) ? "; send the request again without requestState and inputResponses" : "";
        throw new ModernRefusal(400, JsonRpcError.INVALID_PARAMS, "Invalid params: " + what + " was held by a replica"
                + " of this gateway that is no longer running, and ended with it" + retry);
    }

    /** The replica every task id in the array names, when they all name the same one; else null. */
    private static String oneReplicaOf(JsonNode taskIds) {
        String tag = null;
        for (JsonNode id : taskIds) {
            String named = ReplicaIds.tagOf(id.asString(null), ModernTasks.ID_PREFIX);
            if (named == null || (tag != null && !tag.equals(named))) {
                return null;
            }
            tag = named;
        }
        return tag;
    }

    private void serve(Context ctx, String scope, Message.Request request, ModernEnvelope envelope, Accept accept) {
        String method = request.method();
        if (NOT_SERVED_MODERN.contains(method)) {
            throw new ModernRefusal(404, JsonRpcError.METHOD_NOT_FOUND, "Method not found: " + method
                    + " is not part of MCP " + envelope.version() + replacement(method));
        }
        if (TASK_METHODS.contains(method)) {
            task(ctx, scope, request, envelope, accept);
            return;
        }
        if (!SERVED.contains(method)) { // the modern era answers an unknown method with 404
            throw new ModernRefusal(404, JsonRpcError.METHOD_NOT_FOUND, "Method not found: " + method);
        }
        if ("subscriptions/listen".equals(method)) {
            listen.serve(ctx, scope, request, envelope);
            return;
        }
        boolean discover = "server/discover".equals(method);
        Principal principal = Principal.of(ctx);
        ObjectNode info = discover ? null : serverInfo(scope, principal);
        UnaryOperator<ObjectNode> shown = message -> shown(message, envelope);
        if (MAY_ASK.contains(method) && request.params().has("requestState")) {
            retry(ctx, scope, request, envelope, accept, shown, info);
            return;
        }
        ClientSession session = sessions.ephemeral(scope, principal);
        session.negotiated(envelope.version(), envelope.clientCapabilities(), envelope.clientInfo());
        session.markInitialized();
        if (envelope.logLevel() != null) {
            session.logLevel(envelope.logLevel()); // a modern upstream is asked for the request's log messages too
        }
        String key = ModernListen.key(scope, principal, request.id());
        running.put(key, session);
        Long cancelled = cancelledEarly.remove(key);
        boolean cancelNow = cancelled != null && System.nanoTime() - cancelled < 5_000_000_000L;
        String target = target(method, request.params());
        JsonNode arguments = request.params().get("arguments");
        Message.Request served = discover ? initializeLike(request.id()) : withoutEnvelope(request);
        if (MAY_ASK.contains(method) && !calls.full()) {
            ModernCall call = new ModernCall(c -> calls.open(c, scope, principal), session, method, target,
                    arguments, request.id(), request.params().path("_meta").get("progressToken"),
                    r -> modern(method, r, info), () -> calls.over(callOf(session)));
            session.askThrough(call);
            Inbound.Answer answer = inbound.accept(session, served, accept.eventStream());
            if (cancelNow) {
                session.cancelHere(request.id());
            }
            answer.response().whenComplete((r, failure) -> {
                session.end(answer.inFlight()); // answered: ending the call's session must not cancel it upstream
                call.answered(modern(method, r, info));
            });
            CompletableFuture<ObjectNode> first = call.firstRound();
            first.whenComplete((r, failure) -> afterRound(call));
            CompletableFuture<ObjectNode> shownAnswer = taskOr(call, first, scope, principal, envelope, request.id(), info);
            // once answered (a task handle too), a cancel naming the request is too late: tasks/cancel ends a task
            shownAnswer.whenComplete((r, failure) -> running.remove(key, session));
            http.respond(ctx, session, new Inbound.Answer(answer.inFlight(), shownAnswer), accept, shown);
            return;
        }
        Inbound.Answer answer = inbound.accept(session, served, accept.eventStream());
        if (cancelNow) {
            session.cancelHere(request.id());
        }
        CompletableFuture<ObjectNode> response = answer.response().thenApply(r -> discover ? discovered(r) : modern(method, r, info));
        response.whenComplete((r, failure) -> {
            running.remove(key, session);
            session.end(answer.inFlight()); // answered: ending the session must not cancel it upstream
            ModernCalls.releaseLater(sessions, session);
        });
        http.respond(ctx, session, new Inbound.Answer(answer.inFlight(), response), accept, shown);
    }

    /**
     * A client's retry with the input a round asked for: the answers go to the upstream's open call, and this request
     * carries the call on — its progress, and its answer or next question.
     */
    private void retry(Context ctx, String scope, Message.Request request, ModernEnvelope envelope, Accept accept,
                       UnaryOperator<ObjectNode> shown, ObjectNode info) {
        String state = request.params().path("requestState").asString(null);
        ModernCall found = calls.find(state, scope, Principal.of(ctx), request.method(), target(request.method(), request.params()));
        // a retry is the same request again: other arguments would make it another call
        ModernCall call = found != null && java.util.Objects.equals(found.arguments, request.params().get("arguments")) ? found : null;
        if (call == null) {
            throw new ModernRefusal(400, JsonRpcError.INVALID_PARAMS, "Invalid params: requestState is not one this gateway"
                    + " gave for this request, or its call has ended (answered, given up, or not retried in time); send the"
                    + " request again without requestState and inputResponses");
        }
        if (call.taskId() != null) {
            throw new ModernRefusal(400, JsonRpcError.INVALID_PARAMS, "Invalid params: this call is now the task '" + call.taskId()
                    + "'; follow it with tasks/get and answer its questions with tasks/update");
        }
        if (call.firstId.equals(request.id())) {
            throw new ModernRefusal(400, JsonRpcError.INVALID_REQUEST, "Invalid Request: a retry with inputResponses needs an id"
                    + " of its own, not the first request's (" + request.id() + ")");
        }
        ClientSession session = call.session;
        JsonNode firstToken = call.progressToken;
        JsonNode token = request.params().path("_meta").get("progressToken");
        UnaryOperator<ObjectNode> carried = token == null || firstToken == null ? shown
                : message -> renamedProgress(shown.apply(message), firstToken, token);
        InFlight carrier = session.begin(request.id(), accept.eventStream());
        carrier.onCancel(() -> session.cancelHere(call.firstId)); // the client giving up ends the upstream's call
        session.relayTo(carrier);
        String key = ModernListen.key(scope, Principal.of(ctx), request.id());
        running.put(key, session);
        CompletableFuture<ObjectNode> round = call.nextRound(request.id(), request.params().get("inputResponses"));
        round.whenComplete((r, failure) -> afterRound(call));
        CompletableFuture<ObjectNode> shownAnswer = taskOr(call, round, scope, Principal.of(ctx), envelope, request.id(), info);
        shownAnswer.whenComplete((r, failure) -> {
            running.remove(key, session);
            session.end(carrier);
        });
        http.respond(ctx, session, new Inbound.Answer(carrier, shownAnswer), accept, carried);
    }

    /**
     * A tool call's round as its client gets it: for a client that takes task handles, a handle once the call has run
     * for {@code task_after}; else (or when it ends sooner) the round's own answer.
     */
    private CompletableFuture<ObjectNode> taskOr(ModernCall call, CompletableFuture<ObjectNode> round, String scope,
                                                 Principal principal, ModernEnvelope envelope, JsonNode id, ObjectNode info) {
        if (!"tools/call".equals(call.method) || !envelope.takesTasks()) {
            return round;
        }
        return tasks.answerOrTask(call, round, scope, principal, id, handle -> modern(call.method, handle, info));
    }

    /** {@code tasks/get}, {@code tasks/update}, {@code tasks/cancel}: on this gateway's own tasks, for their caller. */
    private void task(Context ctx, String scope, Message.Request request, ModernEnvelope envelope, Accept accept) {
        String method = request.method();
        if (!tasks.offered()) {
            throw new ModernRefusal(404, JsonRpcError.METHOD_NOT_FOUND, "Method not found: " + method
                    + " belongs to the extension " + ModernEnvelope.TASKS + ", which this gateway is configured not to offer"
                    + " (task_after: off)");
        }
        if (!envelope.takesTasks()) {
            throw missingTasksCapability(method);
        }
        String taskId = request.params().path("taskId").asString(null);
        ModernTask task = tasks.find(taskId, scope, Principal.of(ctx));
        if (task == null) {
            throw new ModernRefusal(400, JsonRpcError.INVALID_PARAMS, "Invalid params: " + (taskId == null ? "taskId is missing"
                    : "no task '" + taskId + "' for this caller on this endpoint (unknown, another caller's, or past its ttlMs)"));
        }
        ObjectNode result = switch (method) {
            case "tasks/get" -> task.detailed();
            case "tasks/update" -> {
                task.update(request.params().get("inputResponses"));
                yield Json.object();
            }
            default -> {
                task.cancel("cancelled by the client");
                yield Json.object();
            }
        };
        result.put("resultType", "complete");
        result.putObject("_meta").set(ModernEnvelope.SERVER_INFO, serverInfo(scope, Principal.of(ctx)));
        http.write(ctx, Message.result(request.id(), result).node(), accept);
    }

    /** {@code -32021}: the request needs the tasks extension, and the client did not say it takes it. */
    static ModernRefusal missingTasksCapability(String what) {
        ObjectNode data = Json.object();
        data.putObject("requiredCapabilities").putObject("extensions").putObject(ModernEnvelope.TASKS);
        return new ModernRefusal(400, new JsonRpcError(JsonRpcError.MISSING_CLIENT_CAPABILITY, "Missing required client capability: "
                + what + " needs " + ModernEnvelope.TASKS + " in the request's clientCapabilities.extensions", data));
    }

    /**
     * The call's progress under the token of the request that now carries it: a client that names a new token on its
     * retry listens for that one (the first request, and its handler, are over).
     */
    private static ObjectNode renamedProgress(ObjectNode message, JsonNode first, JsonNode now) {
        if (message == null || !"notifications/progress".equals(message.path("method").asString(""))
                || !first.equals(message.path("params").get("progressToken"))) {
            return message;
        }
        ObjectNode copy = message.deepCopy();
        ((ObjectNode) copy.get("params")).set("progressToken", now);
        return copy;
    }

    private void afterRound(ModernCall call) {
        if (!call.over()) {
            calls.awaitRetry(call);
        }
    }

    private ModernCall callOf(ClientSession session) {
        return (ModernCall) session.asker();
    }

    /** What a request that may ask for input names: its tool or prompt, or its resource. */
    private static String target(String method, ObjectNode params) {
        return "resources/read".equals(method) ? params.path("uri").asString(null) : params.path("name").asString(null);
    }

    /** A message about the call on its way to the client: log lines only at the level the request asked for. */
    private static ObjectNode shown(ObjectNode message, ModernEnvelope envelope) {
        if ("notifications/message".equals(message.path("method").asString(""))) {
            return envelope.wantsLog(message.path("params").path("level").asString("")) ? message : null;
        }
        return message;
    }

    /** The result in its modern shape: a result type, the server's identity, and for lists how long to keep them. */
    private static ObjectNode modern(String method, ObjectNode response, ObjectNode serverInfo) {
        if (response == null) { // the call failed without an answer: Inbound gives one, so this is only defence
            return Message.error(null, new JsonRpcError(JsonRpcError.INTERNAL_ERROR, "the call ended without an answer")).node();
        }
        if (response.path("error").path("code").asInt() == JsonRpcError.RESOURCE_NOT_FOUND) {
            // the modern era dropped -32002 for "not found": invalid params, with the same words and data
            ((ObjectNode) response.get("error")).put("code", JsonRpcError.INVALID_PARAMS);
        }
        if (!response.has("result")) {
            return response;
        }
        if (!(RawResult.materialize(response) instanceof ObjectNode result)) {
            return response;
        }
        if (!result.has("resultType")) {
            result.put("resultType", "complete");
        }
        ObjectNode meta = result.get("_meta") instanceof ObjectNode m ? m : result.putObject("_meta");
        meta.set(ModernEnvelope.SERVER_INFO, serverInfo);
        if (CACHEABLE.contains(method) && !result.has("ttlMs")) {
            result.put("ttlMs", "resources/read".equals(method) ? 0 : LIST_TTL_MS); // a resource's content is the upstream's to date
            result.put("cacheScope", "private");
        }
        return response;
    }

    /** {@code server/discover}'s answer, made from what {@code initialize} would say to a legacy client. */
    private ObjectNode discovered(ObjectNode initialized) {
        if (!(initialized.get("result") instanceof ObjectNode init)) {
            return initialized;
        }
        serverInfo = init.get("serverInfo") instanceof ObjectNode info ? info : serverInfo;
        ObjectNode result = Json.object();
        result.put("resultType", "complete");
        result.set("supportedVersions", Json.valueToTree(ProtocolVersions.MODERN));
        ObjectNode capabilities = init.get("capabilities") instanceof ObjectNode c ? c.deepCopy() : Json.object();
        capabilities.remove("tasks"); // the legacy era's tasks; the modern era has them as an extension
        if (tasks.offered()) {
            ObjectNode extensions = capabilities.get("extensions") instanceof ObjectNode e ? e : capabilities.putObject("extensions");
            extensions.putObject(ModernEnvelope.TASKS);
        }
        result.set("capabilities", capabilities);
        if (init.get("instructions") != null) {
            result.set("instructions", init.get("instructions"));
        }
        result.putObject("_meta").set(ModernEnvelope.SERVER_INFO, init.get("serverInfo"));
        result.put("ttlMs", LIST_TTL_MS);
        result.put("cacheScope", "private");
        ObjectNode response = initialized.deepCopy();
        response.set("result", result);
        return response;
    }

    /** Forge's own name and version, as its {@code initialize} gives them; learnt once. */
    private ObjectNode serverInfo(String scope, Principal principal) {
        ObjectNode info = serverInfo;
        if (info == null) {
            ClientSession session = sessions.ephemeral(scope, principal);
            try { // answered here and now, from the gateway's own state
                ObjectNode init = inbound.accept(session, initializeLike(tools.jackson.databind.node.JsonNodeFactory.instance.numberNode(0)), false)
                        .response().join();
                if (!(init.path("result").get("serverInfo") instanceof ObjectNode known)) {
                    return Json.object().put("name", "forge"); // the endpoint went away meanwhile: its error comes next
                }
                info = known;
                serverInfo = info;
            } finally {
                sessions.release(session);
            }
        }
        return info;
    }

    private static Message.Request initializeLike(JsonNode id) {
        ObjectNode params = Json.object();
        params.put("protocolVersion", ProtocolVersions.LATEST);
        params.putObject("capabilities");
        params.putObject("clientInfo").put("name", "forge-discover").put("version", "1");
        ObjectNode node = Json.object();
        node.put("jsonrpc", "2.0");
        node.set("id", id);
        node.put("method", "initialize");
        node.set("params", params);
        return new Message.Request(node);
    }

    /** The request as an upstream gets it: the envelope out (in place; the body was parsed for this request alone). */
    private static Message.Request withoutEnvelope(Message.Request request) {
        if (request.node().get("params") instanceof ObjectNode params) {
            ModernEnvelope.withoutEnvelope(params);
        }
        return request;
    }

    /**
     * The headers a modern request must carry agree with its body: the revision, the method, and for the methods
     * that name something (a tool, a prompt, a resource, a task) that name; any disagreement is {@code -32020}.
     */
    private static void checkHeaders(Context ctx, Message message, ObjectNode params, ModernEnvelope envelope) {
        String version = ctx.header(StreamableHttpEndpoint.VERSION_HEADER);
        if (!envelope.version().equals(version)) {
            throw mismatch(StreamableHttpEndpoint.VERSION_HEADER, version, envelope.version());
        }
        String method = message.node().path("method").asString(null);
        String methodHeader = decoded(ctx.header(METHOD_HEADER), METHOD_HEADER);
        // a notification without the header is taken: the TypeScript SDK ends a listen stream with one
        if ((message instanceof Message.Request || methodHeader != null) && method != null && !method.equals(methodHeader)) {
            throw mismatch(METHOD_HEADER, methodHeader, method);
        }
        String named = switch (method == null ? "" : method) {
            case "tools/call", "prompts/get" -> params.path("name").asString(null);
            case "resources/read" -> params.path("uri").asString(null);
            case "tasks/get", "tasks/update", "tasks/cancel" -> params.path("taskId").asString(null);
            default -> null;
        };
        if (named != null && message instanceof Message.Request) {
            String nameHeader = decoded(ctx.header(NAME_HEADER), NAME_HEADER);
            if (!named.equals(nameHeader)) {
                throw mismatch(NAME_HEADER, nameHeader, named);
            }
        }
    }

    /** A header's value, decoded when the client sent it as {@code =?base64?…?=} (non-ASCII, or edge spaces). */
    static String decoded(String value, String header) {
        if (value == null || !value.startsWith("=?base64?") || !value.endsWith("?=") || value.length() < 11) {
            return value;
        }
        try {
            return new String(Base64.getDecoder().decode(value.substring(9, value.length() - 2)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ModernRefusal(400, JsonRpcError.HEADER_MISMATCH, "Bad Request: the " + header
                    + " header's =?base64?…?= value is not base64: " + e.getMessage());
        }
    }

    private static ModernRefusal mismatch(String header, String sent, String body) {
        ObjectNode data = Json.object();
        ObjectNode mismatch = data.putObject("mismatch");
        mismatch.put("header", sent == null ? "(missing)" : sent);
        mismatch.put("body", body);
        return new ModernRefusal(400, new JsonRpcError(JsonRpcError.HEADER_MISMATCH, "Bad Request: the " + header
                + " header " + (sent == null ? "is missing" : "says '" + sent + "'") + " but the body says '" + body
                + "' (a modern request repeats them in its headers)", data));
    }

    private static String replacement(String method) {
        return switch (method) {
            case "initialize" -> " (use server/discover; every request carries its own _meta envelope)";
            case "ping" -> " (removed in this revision)";
            case "logging/setLevel" -> " (give " + ModernEnvelope.LOG_LEVEL + " in the _meta of the request whose logs you want)";
            case "resources/subscribe", "resources/unsubscribe" -> " (use subscriptions/listen with resourceSubscriptions)";
            default -> " (tasks are the extension " + ModernEnvelope.TASKS + " in this revision: a call that runs long is"
                    + " answered with a task handle, then tasks/get, tasks/update and tasks/cancel follow it)";
        };
    }
}

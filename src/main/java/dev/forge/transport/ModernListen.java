package dev.forge.transport;

import dev.forge.auth.Principal;
import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import dev.forge.session.SessionStore;
import dev.forge.session.Subscribers;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code subscriptions/listen} (MCP 2026-07-28 on): one long-lived SSE response carrying the list changes and resource
 * updates the client opted into, each marked with the listen request's id. It replaces the legacy era's GET stream
 * and {@code resources/subscribe}; behind it are the same notifiers, fed from upstreams of either era. The stream
 * first acknowledges what it will deliver, and ends when the client closes it or cancels the request (then with a
 * final response, as the spec asks of a graceful end).
 */
final class ModernListen {

    /** Resources one stream may follow: each is a subscription kept on an upstream. */
    static final int MAX_RESOURCES = 100;
    /** Streams open at once on this gateway: each holds a thread and, per resource, an upstream subscription. */
    static final int MAX_STREAMS = 10_000;
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    private static final List<String> LIST_FLAGS = List.of("toolsListChanged", "promptsListChanged", "resourcesListChanged");
    /** Put on a stream's queue to end it gracefully; compared by identity. */
    private static final ObjectNode END = Json.object();

    private final Inbound inbound;
    private final SessionStore sessions;
    private final Subscribers subscribers;
    private final Duration requestTimeout;
    private final ModernTasks tasks;
    /** Open streams by who opened them and the request id they answer, for a cancel to find. */
    private final Map<String, ClientSession> open = new ConcurrentHashMap<>();

    ModernListen(Inbound inbound, SessionStore sessions, Subscribers subscribers, Duration requestTimeout, ModernTasks tasks) {
        this.tasks = tasks;
        this.inbound = inbound;
        this.sessions = sessions;
        this.subscribers = subscribers;
        this.requestTimeout = requestTimeout;
    }

    void serve(Context ctx, String scope, Message.Request request, ModernEnvelope envelope) {
        JsonNode wanted = request.params().path("notifications");
        JsonNode uris = wanted.path("resourceSubscriptions");
        if (uris.size() > MAX_RESOURCES || (!uris.isMissingNode() && !uris.isArray())) {
            throw new ModernRefusal(400, JsonRpcError.INVALID_PARAMS, "Invalid params: notifications.resourceSubscriptions"
                    + " must be an array of at most " + MAX_RESOURCES + " resource URIs");
        }
        JsonNode taskIds = wanted.path("taskIds");
        if (!taskIds.isMissingNode()) {
            if (!taskIds.isArray() || taskIds.size() > MAX_RESOURCES) {
                throw new ModernRefusal(400, JsonRpcError.INVALID_PARAMS, "Invalid params: notifications.taskIds must be an"
                        + " array of at most " + MAX_RESOURCES + " task ids");
            }
            if (!envelope.takesTasks()) {
                throw ModernEndpoint.missingTasksCapability("subscriptions/listen with notifications.taskIds");
            }
        }
        if (open.size() >= MAX_STREAMS) {
            throw new ModernRefusal(429, JsonRpcError.RATE_LIMITED, "Too Many Requests: " + MAX_STREAMS
                    + " subscriptions/listen streams are open on this gateway; close some first");
        }
        Principal principal = Principal.of(ctx);
        ClientSession session = sessions.ephemeral(scope, principal);
        session.negotiated(envelope.version(), envelope.clientCapabilities(), envelope.clientInfo());
        session.markInitialized();
        String key = key(scope, principal, request.id());
        long generation = session.openStream();
        List<String> followed = new ArrayList<>();
        List<ModernTask> watched = new ArrayList<>();
        try {
            ObjectNode honored = Json.object();
            for (String flag : LIST_FLAGS) {
                if (wanted.path(flag).asBoolean(false)) {
                    honored.put(flag, true);
                }
            }
            for (JsonNode uri : uris) {
                if (uri.isString() && subscribe(session, uri.asString(), "resources/subscribe")) {
                    followed.add(uri.asString());
                }
            }
            if (uris.isArray()) {
                honored.set("resourceSubscriptions", Json.valueToTree(followed));
            }
            if (taskIds.isArray()) {
                var agreed = honored.putArray("taskIds");
                for (JsonNode taskId : taskIds) {
                    ModernTask task = tasks.find(taskId.asString(null), scope, principal);
                    if (task != null && !watched.contains(task)) { // another caller's task, or none: not followed, not said to exist
                        agreed.add(task.id);
                        watched.add(task);
                    }
                }
            }
            subscribers.add(session);
            open.put(key, session);
            SseWriter sse = SseWriter.open(ctx, null);
            ObjectNode ack = Json.object();
            ack.putObject("_meta").set(ModernEnvelope.SUBSCRIPTION_ID, request.id());
            ack.set("notifications", honored);
            sse.message(Message.notification("notifications/subscriptions/acknowledged", ack).node());
            watched.forEach(task -> task.watch(session)); // each task's state now, then its changes
            pump(session, generation, sse, honored, request.id());
        } catch (IOException e) {
            // the client closed the stream: that ends the subscription
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(key, session);
            subscribers.remove(session);
            watched.forEach(task -> task.unwatch(session));
            for (String uri : followed) {
                subscribe(session, uri, "resources/unsubscribe");
            }
            session.closeStream(generation);
            sessions.release(session);
        }
    }

    /** Ends the stream a client's {@code notifications/cancelled} names, if that client opened it here. */
    /** Ends the listen stream the request key names; false if none is open here. */
    boolean cancel(String requestKey) {
        ClientSession session = open.get(requestKey);
        if (session != null) {
            session.sendHere(END);
        }
        return session != null;
    }

    private void pump(ClientSession session, long generation, SseWriter sse, ObjectNode honored, JsonNode id)
            throws IOException, InterruptedException {
        long lastWrite = System.nanoTime();
        while (session.isCurrentStream(generation)) {
            // timed from the last byte written: messages this stream filters out must not hold back the keep-alive
            long untilKeepAlive = Math.max(0, lastWrite + KEEP_ALIVE.toNanos() - System.nanoTime());
            ObjectNode message = session.nextOutbound(generation, Duration.ofNanos(untilKeepAlive));
            if (message == END) {
                ObjectNode result = Json.object();
                result.put("resultType", "complete");
                result.putObject("_meta").set(ModernEnvelope.SUBSCRIPTION_ID, id);
                sse.message(Message.result(id, result).node());
                return;
            }
            session.touch();
            if (message != null && delivered(message, honored, session)) {
                ObjectNode params = message.get("params") instanceof ObjectNode p ? p : message.putObject("params");
                ObjectNode meta = params.get("_meta") instanceof ObjectNode m ? m : params.putObject("_meta");
                meta.set(ModernEnvelope.SUBSCRIPTION_ID, id);
                sse.message(message);
                lastWrite = System.nanoTime();
            } else if (System.nanoTime() - lastWrite >= KEEP_ALIVE.toNanos()) {
                sse.keepAlive();
                lastWrite = System.nanoTime();
            }
        }
    }

    /** Only what the client opted into: progress and log lines belong to their requests, never to this stream. */
    private static boolean delivered(ObjectNode message, ObjectNode honored, ClientSession session) {
        return switch (message.path("method").asString("")) {
            case "notifications/tools/list_changed" -> honored.has("toolsListChanged");
            case "notifications/prompts/list_changed" -> honored.has("promptsListChanged");
            case "notifications/resources/list_changed" -> honored.has("resourcesListChanged");
            case "notifications/resources/updated" -> session.subscriptions().contains(message.path("params").path("uri").asString(""));
            case "notifications/tasks" -> contains(honored.path("taskIds"), message.path("params").path("taskId"));
            default -> false;
        };
    }

    private static boolean contains(JsonNode array, JsonNode value) {
        for (JsonNode item : array) {
            if (item.equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** Subscribes to (or unsubscribes from) one resource through the endpoint, as a legacy client would; true if done. */
    private boolean subscribe(ClientSession session, String uri, String method) {
        ObjectNode params = Json.object();
        params.put("uri", uri);
        ObjectNode node = Json.object();
        node.put("jsonrpc", "2.0");
        node.put("id", "listen-" + method);
        node.put("method", method);
        node.set("params", params);
        try {
            Inbound.Answer answer = inbound.accept(session, new Message.Request(node), false);
            return answer != null && !answer.response().get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS).has("error");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) { // an upstream that fails or is slow: that resource is not followed
            return false;
        }
    }

    /** Who sent a request and its id: the same id from another caller or endpoint is another request. */
    /** A modern request among the caller's own: its endpoint, who sent it (with which token) and its id. */
    static String key(String scope, Principal principal, JsonNode id) {
        String token = principal.tokenId() == null ? "" : principal.tokenId();
        return scope + '\n' + (principal.authenticated() ? principal.subject() : "") + '\n' + token + '\n' + id;
    }
}

package dev.forge.transport;

import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A modern call the client now follows by a task handle (the {@code io.modelcontextprotocol/tasks} extension)
 * instead of waiting on its request. The call itself is a {@link ModernCall} and goes on as one: each of its rounds
 * ends with the upstream's answer or with questions, and the task shows which — {@code completed} or {@code failed}
 * with the answer, or {@code input_required} with the questions, which {@code tasks/update} answers as a retry would.
 *
 * <p>State changes under this object's lock; what follows a change (the next round, a cancel upstream, telling the
 * clients that listen) happens after it is released.
 */
final class ModernTask {

    /** Suggested polling interval: a call that became a task has already run for a while. */
    static final long POLL_INTERVAL_MS = 1_000;

    final String id;
    final String scope;
    final String subject;
    private final ModernCall call;
    /** Run when a round ends with questions: they must be answered in time, or the call is given up. */
    private final Runnable awaitAnswers;
    private final long ttlMs;
    private final Instant createdAt;
    private Instant lastUpdatedAt;
    private String status = "working";
    private String statusMessage;
    /** What a terminal task ended with: the result (completed) or the JSON-RPC error (failed). */
    private JsonNode outcome;
    /** The questions outstanding, as the client answers them: key → {method, params}. */
    private ObjectNode inputRequests;
    private CompletableFuture<ObjectNode> round;
    private long updates;
    /** The listen streams following this task: each gets every change. */
    private final Set<ClientSession> watchers = new LinkedHashSet<>();

    ModernTask(String id, String scope, String subject, ModernCall call, Runnable awaitAnswers, long ttlMs) {
        this.awaitAnswers = awaitAnswers;
        this.id = id;
        this.scope = scope;
        this.subject = subject;
        this.call = call;
        this.ttlMs = ttlMs;
        this.createdAt = Instant.now();
        this.lastUpdatedAt = createdAt;
    }

    /** The answer to the request that made the task: its handle and first state. */
    synchronized ObjectNode created() {
        ObjectNode task = shape(false);
        task.put("resultType", "task");
        return task;
    }

    /** The task now, as {@code tasks/get} and {@code notifications/tasks} give it. */
    synchronized ObjectNode detailed() {
        return shape(true);
    }

    synchronized boolean terminal() {
        return switch (status) {
            case "completed", "failed", "cancelled" -> true;
            default -> false;
        };
    }

    /** Begins following the call from the round open now; its end is the task's end, whatever round is open. */
    void start(CompletableFuture<ObjectNode> first) {
        follow(first);
        call.finished().whenComplete((response, failure) -> ended(response, failure));
    }

    /** Follows a round of the call: questions it ends with are the task's to show. */
    private void follow(CompletableFuture<ObjectNode> next) {
        synchronized (this) {
            round = next;
        }
        next.whenComplete((response, failure) -> settled(next, response, failure));
    }

    private void settled(CompletableFuture<ObjectNode> ended, ObjectNode response, Throwable failure) {
        if (failure != null || response == null || !"input_required".equals(response.path("result").path("resultType").asString(""))) {
            ended(response, failure); // the round ended with the call's own end
            return;
        }
        synchronized (this) {
            if (ended != round || terminal()) {
                return; // a round an update has replaced, or a task already cancelled
            }
            status = "input_required";
            inputRequests = response.get("result").get("inputRequests") instanceof ObjectNode asked ? asked.deepCopy() : Json.object();
            statusMessage = "waiting for the client's input: " + String.join(", ", inputRequests.propertyNames());
            lastUpdatedAt = Instant.now();
        }
        awaitAnswers.run();
        tell();
    }

    /** The call ended: with a result the task is completed (a tool's own error too), with a JSON-RPC error failed. */
    private void ended(ObjectNode response, Throwable failure) {
        synchronized (this) {
            if (terminal()) {
                return;
            }
            if (failure != null || response == null) {
                fail(new JsonRpcError(JsonRpcError.INTERNAL_ERROR, "the call ended without an answer").toNode());
            } else if (response.get("error") instanceof ObjectNode error) {
                fail(error);
            } else {
                status = "completed";
                outcome = response.get("result");
                inputRequests = null;
                statusMessage = null;
            }
            lastUpdatedAt = Instant.now();
        }
        tell();
    }

    /** Under the lock. */
    private void fail(ObjectNode error) {
        status = "failed";
        outcome = error;
        inputRequests = null;
        statusMessage = error.path("message").asString("the call failed");
    }

    /**
     * {@code tasks/update}: the answers to questions outstanding go to the call, which carries on; answers to
     * anything else (never asked, already answered) are ignored, as the extension asks. True if any was taken.
     */
    boolean update(JsonNode inputResponses) {
        ObjectNode taken = Json.object();
        synchronized (this) {
            if (!"input_required".equals(status) || inputRequests == null || !(inputResponses instanceof ObjectNode given)) {
                return false;
            }
            for (var answer : given.properties()) {
                if (inputRequests.has(answer.getKey())) {
                    taken.set(answer.getKey(), answer.getValue());
                }
            }
            if (taken.isEmpty()) {
                return false;
            }
            taken.propertyNames().forEach(inputRequests::remove);
            if (inputRequests.isEmpty()) {
                status = "working";
                statusMessage = null;
                inputRequests = null;
            }
            lastUpdatedAt = Instant.now();
            updates++;
        }
        // the next round ends with the answer, or at once with the questions still open
        follow(call.nextRound(tools.jackson.databind.node.JsonNodeFactory.instance.stringNode("task-" + id + "-" + updates), taken));
        return true;
    }

    /** {@code tasks/cancel}: the upstream's call is cancelled and the task ends so, unless it already ended. */
    void cancel(String why) {
        synchronized (this) {
            if (terminal()) {
                return;
            }
            status = "cancelled";
            statusMessage = why;
            inputRequests = null;
            lastUpdatedAt = Instant.now();
        }
        call.session.cancelHere(call.firstId);
        call.abandon(why);
        tell();
    }

    /** A listen stream starts following the task; it gets the state now, then every change. */
    void watch(ClientSession stream) {
        ObjectNode now;
        synchronized (this) {
            watchers.add(stream);
            now = notification();
        }
        stream.sendHere(now);
    }

    synchronized void unwatch(ClientSession stream) {
        watchers.remove(stream);
    }

    private void tell() {
        List<ClientSession> to;
        ObjectNode message;
        synchronized (this) {
            to = List.copyOf(watchers);
            message = notification();
        }
        for (ClientSession stream : to) {
            stream.sendHere(message.deepCopy()); // each stream tags its copy with its subscription id
        }
    }

    /** Under the lock. */
    private ObjectNode notification() {
        return Message.notification("notifications/tasks", shape(true)).node();
    }

    /** Under the lock: the Task, and with {@code detailed} what its status carries (questions, result, error). */
    private ObjectNode shape(boolean detailed) {
        ObjectNode task = Json.object();
        task.put("taskId", id);
        task.put("status", status);
        if (statusMessage != null) {
            task.put("statusMessage", statusMessage);
        }
        task.put("createdAt", createdAt.toString());
        task.put("lastUpdatedAt", lastUpdatedAt.toString());
        task.put("ttlMs", ttlMs);
        task.put("pollIntervalMs", POLL_INTERVAL_MS);
        if (detailed) {
            switch (status) {
                case "input_required" -> task.set("inputRequests", inputRequests.deepCopy());
                case "completed" -> task.set("result", outcome);
                case "failed" -> task.set("error", outcome);
                default -> { }
            }
        }
        return task;
    }
}

package dev.forge.transport;

import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A modern call the client now follows by a task handle (the {@code io.modelcontextprotocol/tasks} extension)
 * instead of waiting on its request. The call itself is a {@link ModernCall} and goes on as one. While it runs, the
 * task is {@code input_required} exactly when the call has questions outstanding (shown as {@code inputRequests},
 * answered by {@code tasks/update} as a retry would answer them), else {@code working}; the call's end makes it
 * {@code completed} (a result, a tool's own error too) or {@code failed} (a JSON-RPC error). Only the call's end ends
 * the task: a round that ends is just the call waiting for answers.
 *
 * <p>State changes, and the notifications of them, happen under this object's lock (queueing a notification never
 * blocks), so a listen stream gets the states in order and ends on the last. Updates reach the call one at a time,
 * in the order they were taken; the call's side (a write to an upstream) runs outside this object's lock.
 */
final class ModernTask {

    /** Suggested polling interval: a call that became a task has already run for a while. */
    static final long POLL_INTERVAL_MS = 1_000;

    final String id;
    final String scope;
    final String subject;
    /** The call, until the task ends (then let go: its session and answer need not live as long as the task). */
    private ModernCall call;
    /** Given the call when its questions must be answered in time, or the call is given up. */
    private final java.util.function.Consumer<ModernCall> awaitAnswers;
    private final long ttlMs;
    private final Instant createdAt;
    private Instant lastUpdatedAt;
    /** Null while the call runs; then completed, failed or cancelled. */
    private String ended;
    private String statusMessage;
    /** What the task ended with: the result (completed) or the JSON-RPC error (failed). */
    private JsonNode outcome;
    /** The questions shown last, to tell a change of them from none. */
    private ObjectNode shownQuestions = Json.object();
    private long updates;
    /** Updates go to the call one at a time, in the order taken. */
    private final ReentrantLock updating = new ReentrantLock();
    /** The listen streams following this task: each gets every change. */
    private final Set<ClientSession> watchers = new LinkedHashSet<>();

    ModernTask(String id, String scope, String subject, ModernCall call, java.util.function.Consumer<ModernCall> awaitAnswers,
               long ttlMs) {
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
        return ended != null;
    }

    /** Begins following the call: its questions, from now on, and its end. */
    void start() {
        ModernCall followed;
        synchronized (this) {
            followed = call;
        }
        followed.followedBy(id, this::questionsChanged);
        followed.finished().whenComplete(this::callEnded);
        questionsChanged();
    }

    /** The call's questions changed (asked, answered, withdrawn): listeners hear of it; new ones must be answered in time. */
    private void questionsChanged() {
        ModernCall waiting;
        synchronized (this) {
            if (ended != null) {
                return;
            }
            ObjectNode now = call.outstanding();
            if (now.equals(shownQuestions)) {
                return;
            }
            shownQuestions = now;
            lastUpdatedAt = Instant.now();
            tell();
            waiting = now.isEmpty() ? null : call;
        }
        if (waiting != null) {
            awaitAnswers.accept(waiting);
        }
    }

    /** The call ended: with a result the task is completed, with a JSON-RPC error failed. */
    private void callEnded(ObjectNode response, Throwable failure) {
        synchronized (this) {
            if (ended != null) {
                return;
            }
            if (failure != null || response == null) {
                end("failed", new JsonRpcError(JsonRpcError.INTERNAL_ERROR, "the call ended without an answer").toNode());
            } else if (response.get("error") instanceof ObjectNode error) {
                end("failed", error);
            } else {
                end("completed", response.get("result"));
            }
            tell();
        }
    }

    /** Under the lock: the task's last state. */
    private void end(String status, JsonNode with) {
        ended = status;
        outcome = with;
        statusMessage = "failed".equals(status) ? with.path("message").asString("the call failed") : null;
        lastUpdatedAt = Instant.now();
        call = null;
    }

    /**
     * {@code tasks/update}: the answers to questions outstanding go to the call, which carries on; answers to
     * anything else (never asked, already answered) are ignored, as the extension asks. True if any was taken.
     */
    boolean update(JsonNode inputResponses) {
        if (!(inputResponses instanceof ObjectNode given)) {
            return false;
        }
        updating.lock();
        try {
            ModernCall answered;
            ObjectNode taken = Json.object();
            synchronized (this) {
                if (ended != null) {
                    return false;
                }
                answered = call;
                ObjectNode outstanding = call.outstanding();
                for (var answer : given.properties()) {
                    if (outstanding.has(answer.getKey())) {
                        taken.set(answer.getKey(), answer.getValue());
                    }
                }
                if (taken.isEmpty()) {
                    return false;
                }
                updates++;
            }
            // the round opened here ends with the call's answer or its next questions, which the task follows anyway
            answered.nextRound(JsonNodeFactory.instance.stringNode("task-" + id + "-" + updates), taken);
            return true;
        } finally {
            updating.unlock();
        }
    }

    /** {@code tasks/cancel}: the upstream's call is cancelled and the task ends so, unless it already ended. */
    void cancel(String why) {
        end(why, "cancelled", null);
    }

    /** Past its ttl: a call still running is cancelled upstream, and the task fails saying why. */
    void expire(String why) {
        end(why, "failed", new JsonRpcError(JsonRpcError.INTERNAL_ERROR, why).toNode());
    }

    private void end(String why, String status, ObjectNode error) {
        ModernCall running;
        synchronized (this) {
            if (ended != null) {
                return;
            }
            running = call;
            end(status, error);
            statusMessage = why;
            tell();
        }
        running.session.cancelHere(running.firstId);
        running.abandon(why);
    }

    /** A listen stream starts following the task; it gets the state now, then every change. */
    synchronized void watch(ClientSession stream) {
        watchers.add(stream);
        stream.sendHere(notification());
    }

    synchronized void unwatch(ClientSession stream) {
        watchers.remove(stream);
    }

    /** Under the lock: every listener gets the state now (queued, never blocking), in the order states change. */
    private void tell() {
        if (watchers.isEmpty()) {
            return;
        }
        ObjectNode message = notification();
        for (ClientSession stream : watchers) {
            stream.sendHere(message.deepCopy()); // each stream tags its copy with its subscription id
        }
    }

    /** Under the lock. */
    private ObjectNode notification() {
        return Message.notification("notifications/tasks", shape(true)).node();
    }

    /** Under the lock: the Task, and with {@code detailed} what its status carries (questions, result, error). */
    private ObjectNode shape(boolean detailed) {
        String status = ended != null ? ended : shownQuestions.isEmpty() ? "working" : "input_required";
        ObjectNode task = Json.object();
        task.put("taskId", id);
        task.put("status", status);
        String message = statusMessage != null ? statusMessage : "input_required".equals(status)
                ? "waiting for the client's input: " + String.join(", ", shownQuestions.propertyNames()) : null;
        if (message != null) {
            task.put("statusMessage", message);
        }
        task.put("createdAt", createdAt.toString());
        task.put("lastUpdatedAt", lastUpdatedAt.toString());
        task.put("ttlMs", ttlMs);
        task.put("pollIntervalMs", POLL_INTERVAL_MS);
        if (detailed) {
            switch (status) {
                case "input_required" -> task.set("inputRequests", shownQuestions.deepCopy());
                case "completed" -> task.set("result", outcome);
                case "failed" -> task.set("error", outcome);
                default -> { }
            }
        }
        return task;
    }
}

package dev.forge.transport;

import dev.forge.auth.Principal;
import dev.forge.protocol.Message;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The tasks of the {@code io.modelcontextprotocol/tasks} extension, made by this gateway: a modern client that takes
 * task handles and whose tool call is still running after {@code task_after} gets a handle instead of waiting, and
 * follows the call with {@code tasks/get}, {@code tasks/update}, {@code tasks/cancel} or a listen stream. The call
 * runs upstream as any other (an upstream of either era never sees a task), so every upstream's tools can be tasks.
 *
 * <p>A task id is an unguessable token, good only for the endpoint and caller that got it. Tasks live in this
 * replica, for {@link #TTL} from their creation (a call still running then is cancelled); at most {@link #MAX_TASKS}
 * at once and {@link #MAX_TASKS_PER_CALLER} per caller, past which calls are answered as they finish, without a task.
 */
final class ModernTasks {

    static final int MAX_TASKS = 10_000;
    /** Tasks one caller may have at once (on one endpoint): one busy client cannot take every other client's. */
    static final int MAX_TASKS_PER_CALLER = 1_000;
    /** How long a task, and its result, is kept from its creation. */
    static final Duration TTL = Duration.ofMinutes(15);
    private static final Executor VIRTUAL = task -> Thread.ofVirtual().name("modern-task").start(task);

    private final Map<String, ModernTask> tasks = new ConcurrentHashMap<>();
    private final ModernCalls calls;
    /** Null: tasks are not offered. */
    private final Duration after;
    /** Times the moments a call becomes a task and a task expires; a timer whose call ended first is taken off. */
    private final ScheduledThreadPoolExecutor timers;

    ModernTasks(ModernCalls calls, Duration after) {
        this.calls = calls;
        this.after = after;
        this.timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "modern-task-timer");
            thread.setDaemon(true);
            return thread;
        });
        timers.setRemoveOnCancelPolicy(true);
        timers.setKeepAliveTime(30, TimeUnit.SECONDS); // no thread while nothing is timed
        timers.allowCoreThreadTimeOut(true);
    }

    /** True if this gateway offers the extension (server/discover says so). */
    boolean offered() {
        return after != null;
    }

    /**
     * The answer to a call's request: the round's own answer if it comes within {@code task_after}, else a task
     * handle (the task made, and findable, before the handle is answered), the task then following the call.
     */
    CompletableFuture<ObjectNode> answerOrTask(ModernCall call, CompletableFuture<ObjectNode> round, String scope,
                                               Principal principal, JsonNode id, UnaryOperator<ObjectNode> shaped) {
        if (after == null) {
            return round;
        }
        CompletableFuture<ObjectNode> answer = new CompletableFuture<>();
        ScheduledFuture<?> timer = timers.schedule(() -> VIRTUAL.execute(() -> becomeTask(call, answer, scope, principal, id, shaped)),
                after.toMillis(), TimeUnit.MILLISECONDS);
        round.whenComplete((response, failure) -> {
            timer.cancel(false); // answered in time: the timer (and what it holds) goes at once
            if (failure != null) {
                answer.completeExceptionally(failure);
            } else {
                answer.complete(response); // false once a task answered instead: the task follows the call
            }
        });
        return answer;
    }

    private void becomeTask(ModernCall call, CompletableFuture<ObjectNode> answer, String scope, Principal principal, JsonNode id,
                            UnaryOperator<ObjectNode> shaped) {
        String subject = subject(principal);
        if (answer.isDone() || tasks.size() >= MAX_TASKS || count(scope, subject) >= MAX_TASKS_PER_CALLER) {
            return; // answered meanwhile, or too many tasks: the call is answered when it ends, as without the extension
        }
        ModernTask task = new ModernTask(newId(), scope, subject, call, calls::awaitRetry, TTL.toMillis());
        tasks.put(task.id, task);
        if (!answer.complete(shaped.apply(Message.result(id, task.created()).node()))) {
            tasks.remove(task.id); // answered meanwhile
            return;
        }
        task.start();
        timers.schedule(() -> VIRTUAL.execute(() -> expire(task)), TTL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The task a request names, if it is one of ours and the same caller asks on the same endpoint; else null. */
    ModernTask find(String id, String scope, Principal principal) {
        ModernTask task = id == null ? null : tasks.get(id);
        return task == null || !task.scope.equals(scope) || !task.subject.equals(subject(principal)) ? null : task;
    }

    int size() {
        return tasks.size();
    }

    private long count(String scope, String subject) {
        return tasks.values().stream().filter(t -> t.scope.equals(scope) && t.subject.equals(subject)).count();
    }

    private void expire(ModernTask task) {
        task.expire("the task outlived its ttlMs (" + TTL.toMillis() + " ms): its call was cancelled and the task dropped");
        tasks.remove(task.id);
    }

    static final String ID_PREFIX = "task";

    private String newId() {
        return ReplicaIds.make(ID_PREFIX, calls.replicaTag());
    }

    private static String subject(Principal principal) {
        return principal.authenticated() ? principal.subject() : "";
    }
}

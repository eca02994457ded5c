package dev.forge.transport;

import dev.forge.auth.Principal;
import dev.forge.session.SessionStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The modern calls waiting for a client's retry, by the {@code requestState} that stands for each. A state is an
 * unguessable token bound to the endpoint and the caller that got it; it is good until the call ends, or until the
 * client has let a round go unanswered for as long as a request may take. Bounded: past {@link #MAX_OPEN} a call
 * that needs input fails with a clear error instead.
 */
final class ModernCalls {

    static final int MAX_OPEN = 10_000;
    private static final java.util.concurrent.Executor VIRTUAL = task -> Thread.ofVirtual().name("modern-call").start(task);

    private record Open(ModernCall call, String scope, String subject) {}

    private final Map<String, Open> open = new ConcurrentHashMap<>();
    private final SessionStore sessions;
    private final Duration answerWithin;

    ModernCalls(SessionStore sessions, Duration answerWithin) {
        this.sessions = sessions;
        this.answerWithin = answerWithin;
    }

    boolean full() {
        return open.size() >= MAX_OPEN;
    }

    static final String STATE_PREFIX = "forge";

    /** This replica's tag, for the ids it makes (null for a process on its own). */
    String replicaTag() {
        return sessions.replicaTag();
    }

    /** Registers a call that asked its first question, for its retries; the state names it. */
    String open(ModernCall call, String scope, Principal principal) {
        String state = ReplicaIds.make(STATE_PREFIX, sessions.replicaTag());
        open.put(state, new Open(call, scope, subject(principal)));
        return state;
    }

    /** The call a retry continues, if the state is one of ours and the same caller retries the same request. */
    ModernCall find(String state, String scope, Principal principal, String method, String target) {
        Open entry = state == null ? null : open.get(state);
        if (entry == null || !entry.scope().equals(scope) || !entry.subject().equals(subject(principal))
                || !entry.call().method.equals(method) || !java.util.Objects.equals(entry.call().target, target)) {
            return null;
        }
        return entry.call();
    }

    /**
     * A round ended with questions: if the client has not come back with its retry by the time a request may take,
     * the call is given up (the upstream's call cancelled, its questions answered with an error).
     */
    void awaitRetry(ModernCall call) {
        long retriesBefore = call.retries();
        // on a virtual thread: giving up cancels the upstream's call, which may write to a pipe
        CompletableFuture.delayedExecutor(answerWithin.toMillis(), TimeUnit.MILLISECONDS, VIRTUAL).execute(() -> {
            if (!call.over() && call.retries() == retriesBefore) {
                call.session.cancelHere(call.firstId);
                call.abandon("the client did not answer the input asked for within " + answerWithin.toSeconds() + " s ("
                        + (call.taskId() == null ? "a retry with inputResponses" : "tasks/update") + ")");
            }
        });
    }

    /** The call is over: its state is no longer good, and its session ends (with any upstream session opened for it). */
    void over(ModernCall call) {
        String state = call.state();
        if (state != null) {
            open.remove(state);
        }
        releaseLater(sessions, call.session);
    }

    /**
     * Ends a request's session on a thread of its own: ending it closes any upstream session opened for it (for a
     * stdio upstream, a process to stop), which must not hold up the thread that delivered the answer.
     */
    static void releaseLater(SessionStore sessions, dev.forge.session.ClientSession session) {
        VIRTUAL.execute(() -> sessions.release(session));
    }

    private static String subject(Principal principal) {
        return principal.authenticated() ? principal.subject() : "";
    }
}

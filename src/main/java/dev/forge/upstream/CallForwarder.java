package dev.forge.upstream;

import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.trace.UpstreamSpan;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Forwards a client's request on the connection that client uses (the shared one, or its own per-client session),
 * through the {@link UpstreamGuard}: its progress token swapped for one of ours, its cancellation passed on, and a
 * read-only request sent once more when the upstream forgot our session.
 */
final class CallForwarder {

    /** Read-only methods that are safe to send again once after the upstream forgot our session. */
    private static final Set<String> IDEMPOTENT = Set.of("resources/read", "prompts/get",
            "completion/complete", "resources/templates/list", "tools/list", "prompts/list", "resources/list", "ping");

    private final UpstreamConfig config;
    private final Duration connectTimeout;
    private final ProgressTokens progress;
    private final UpstreamStatus status;
    private final SharedConnection shared;
    private final ClientSessions sessions;
    private final Dormancy dormancy;
    private final LogRing logs;
    private final UpstreamGuard guard;
    private volatile Upstream.CallFailure lastCallFailure;
    private volatile Instant lastUsed = Instant.now();

    CallForwarder(UpstreamConfig config, Duration connectTimeout, ProgressTokens progress, UpstreamStatus status,
                  SharedConnection shared, ClientSessions sessions, Dormancy dormancy, LogRing logs) {
        this.config = config;
        this.connectTimeout = connectTimeout;
        this.progress = progress;
        this.status = status;
        this.shared = shared;
        this.sessions = sessions;
        this.dormancy = dormancy;
        this.logs = logs;
        this.guard = new UpstreamGuard(config.name(), config.policy().maxConcurrency(), this::noteCallFailure);
    }

    /**
     * Forwards the request (mutated in place: our id replaces the client's, our progress token the client's) and
     * completes with the raw response message, or fails with an error naming this upstream.
     */
    private static final java.util.concurrent.Executor RETRIES = task -> Thread.ofVirtual().name("upstream-retry").start(task);

    CompletableFuture<ObjectNode> forward(ObjectNode request, Caller caller, boolean asIs) {
        lastUsed = Instant.now();
        String token = null;
        JsonNode meta = request.path("params").get("_meta");
        if (caller != null && meta instanceof ObjectNode m && m.hasNonNull("progressToken")) {
            token = progress.register(caller, m.get("progressToken"));
            m.put("progressToken", token);
        }
        CompletableFuture<ObjectNode> result = attempt(request, caller, asIs);
        if (IDEMPOTENT.contains(request.path("method").asString(""))) {
            result = result.exceptionallyCompose(failure -> CallOutcome.rootCause(failure) instanceof UpstreamException u
                    && u.sessionExpired()
                    // on a virtual thread: opening a new session waits for its handshake, never on the HTTP client's threads
                    ? readyAgain().thenComposeAsync(ready -> attempt(request, caller, asIs), RETRIES)
                    : CompletableFuture.failedFuture(failure));
        }
        if (token != null) {
            String ours = token;
            result.whenComplete((ok, failure) -> progress.release(ours));
        }
        return result;
    }

    private CompletableFuture<ObjectNode> attempt(ObjectNode request, Caller caller, boolean asIs) {
        return attempt(request, caller, asIs, 0);
    }

    /** One round of a call; a modern upstream's input_required answer leads to the next ({@link InputRounds}). */
    private CompletableFuture<ObjectNode> attempt(ObjectNode request, Caller caller, boolean asIs, int round) {
        UpstreamClient c;
        try {
            c = connectionFor(caller);
        } catch (RuntimeException e) {
            return PendingCall.failed(e);
        }
        String method = request.path("method").asString("");
        String tool = "tools/call".equals(method) ? request.path("params").path("name").asString(null) : null;
        boolean mayAsk = caller != null && c.transport().modern() && InputRounds.MAY_ASK.contains(method);
        if (caller != null && c.transport().modern()) {
            // the era has no session to remember a level: each request names its client's. A legacy client that set
            // none (or whose level another replica has not yet heard of) gets what a legacy server sends: everything
            String level = caller.logLevel() != null ? caller.logLevel() : caller.stateless() ? null : "debug";
            if (level != null) {
                ModernDress.withLogLevel(request, level);
            }
        }
        UpstreamSpan span = UpstreamSpan.call(config.name(), method, c.transport().kind());
        span.inject(request); // the upstream's own work, if it traces, is this call's child
        PendingCall call = guard.run(() -> c.call(request, config.policy().timeoutFor(tool), caller, asIs && !mayAsk));
        span.endWith(call);
        if (caller != null) {
            caller.onCancel(() -> call.cancelUpstream("cancelled by the client"));
        }
        return !mayAsk ? call : call.thenCompose(answer -> InputRounds.next(config.name(), answer, request, caller, round + 1,
                config.policy().timeoutFor(tool), again -> attempt(again, caller, asIs, round + 1)));
    }

    /** Completes once this upstream is ready (at once if it is), failing after the connect timeout. */
    private CompletableFuture<Void> readyAgain() {
        return status.readySignal().copy().orTimeout(connectTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    }

    /** The shared connection, or in per-client mode the caller's own; a sleeping upstream is woken first. */
    private UpstreamClient connectionFor(Caller caller) {
        if (status.state() == UpstreamState.SLEEPING) {
            try (UpstreamSpan waking = UpstreamSpan.waiting("wake-up of " + config.name(), config.name())) {
                dormancy.awaitWake();
            }
        }
        UpstreamClient connection = shared.current();
        if (connection == null || status.state() != UpstreamState.READY) {
            throw new UpstreamException(config.name(), status.lastKind(), "unavailable ("
                    + status.state().name().toLowerCase(Locale.ROOT) + ")"
                    + (status.lastError() == null ? "" : ": " + status.lastError()));
        }
        // a modern-era client has no session to keep apart: its requests share the connection, as the era intends
        if (caller == null || config.sessionMode() == SessionMode.SHARED || caller.stateless()) {
            return connection;
        }
        return sessions.connectionOf(caller);
    }

    private void noteCallFailure(Throwable failure) {
        if (CallOutcome.rootCause(failure) instanceof UpstreamException u) {
            lastCallFailure = new Upstream.CallFailure(Instant.now(), u);
            logs.add("forge", "call failed, reference " + u.reference() + ": " + u.getMessage());
        }
    }

    /** The latest call that failed by the upstream's fault, with the reference its client was given. */
    Optional<Upstream.CallFailure> lastCallFailure() {
        return Optional.ofNullable(lastCallFailure);
    }

    /** When a client last sent a request. */
    Instant lastUsed() {
        return lastUsed;
    }

    String breakerState() {
        return guard.breakerState();
    }

    int callsInFlight() {
        return guard.inFlight();
    }
}

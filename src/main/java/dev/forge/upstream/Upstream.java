package dev.forge.upstream;

import dev.forge.config.ChildEnvironment;
import dev.forge.config.ConfigException;
import dev.forge.config.MaskedUrl;
import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcException;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import dev.forge.protocol.ProtocolVersions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One federated MCP server: connects, initializes, keeps its lists current, reconnects with backoff when the
 * connection is lost, and forwards calls. The catalog is told whenever what it offers changes.
 */
public final class Upstream {

    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final int MAX_LIST_PAGES = 1000;
    private static final int CRASH_LOOP_FAILURES = 5;
    private static final Duration CRASH_LOOP_WINDOW = Duration.ofMinutes(5);
    private static final int MISSED_PINGS_BEFORE_FAILED = 3;

    /** Told when this upstream's state or lists change. */
    public interface ChangeListener {
        void upstreamChanged(Upstream upstream);
    }

    private final UpstreamConfig config;
    private final HttpClient http;
    private final ChildEnvironment children;
    private final Duration connectTimeout;
    private final ScheduledExecutorService scheduler;
    private final ChangeListener listener;
    private final String version;
    private final ProgressTokens progress;
    private final Consumer<ObjectNode> routedByContent;
    private final ConcurrentHashMap<String, CompletableFuture<UpstreamClient>> perClient = new ConcurrentHashMap<>();
    private volatile UpstreamClient client;
    private volatile UpstreamState state = UpstreamState.CONNECTING;
    private volatile String lastError;
    private volatile CallFailure lastCallFailure;
    private volatile UpstreamException.Kind lastKind = UpstreamException.Kind.UNREACHABLE;
    private volatile UpstreamLists lists = UpstreamLists.EMPTY;
    private volatile ObjectNode serverInfo;
    private volatile ObjectNode capabilities = Json.object();
    private volatile String protocolVersion;
    private volatile Instant since = Instant.now();
    private volatile Duration backoff = Duration.ofSeconds(1);
    private volatile boolean stopped;
    private volatile CompletableFuture<Void> readySignal = new CompletableFuture<>();
    private final UpstreamGuard guard;
    private final java.util.ArrayDeque<Instant> recentFailures = new java.util.ArrayDeque<>();
    private volatile int restarts;
    private volatile boolean crashLoop;
    private volatile int missedPings;
    private final java.util.concurrent.locks.ReentrantLock refreshLock = new java.util.concurrent.locks.ReentrantLock();
    private volatile java.util.concurrent.ScheduledFuture<?> healthChecks;
    private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();
    private final LogRing logs = new LogRing(java.time.Clock.systemUTC());
    private final java.util.concurrent.atomic.AtomicBoolean waking = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Instant lastUsed = Instant.now();
    private final dev.forge.config.UpstreamLimits limits;
    private final ClientProcesses clientProcesses;
    private final java.util.concurrent.atomic.AtomicInteger ownProcesses = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger processRefusals = new java.util.concurrent.atomic.AtomicInteger();
    private final LogSampler stdoutLines = new LogSampler(LogSampler.DEFAULT_PER_SECOND, System::nanoTime);
    private final LogSampler stderrLines = new LogSampler(LogSampler.DEFAULT_PER_SECOND, System::nanoTime);

    /** @param children what a stdio upstream's process may see of Forge's environment */
    public Upstream(UpstreamConfig config, HttpClient http, ChildEnvironment children, Duration connectTimeout,
                    ScheduledExecutorService scheduler, ChangeListener listener, String version, ProgressTokens progress,
                    Consumer<ObjectNode> routedByContent) {
        this(config, http, children, connectTimeout, scheduler, listener, version, progress, routedByContent,
                dev.forge.config.UpstreamLimits.DEFAULTS, new ClientProcesses(dev.forge.config.UpstreamLimits.DEFAULTS));
    }

    /** @param clientProcesses the gateway-wide count of per-client processes, shared by every upstream */
    public Upstream(UpstreamConfig config, HttpClient http, ChildEnvironment children, Duration connectTimeout,
                    ScheduledExecutorService scheduler, ChangeListener listener, String version, ProgressTokens progress,
                    Consumer<ObjectNode> routedByContent, dev.forge.config.UpstreamLimits limits, ClientProcesses clientProcesses) {
        this.limits = limits;
        this.clientProcesses = clientProcesses;
        this.children = children;
        this.progress = progress;
        this.routedByContent = routedByContent;
        this.guard = new UpstreamGuard(config.name(), config.policy().maxConcurrency(), this::noteCallFailure);
        this.config = config;
        this.http = http;
        this.connectTimeout = connectTimeout;
        this.scheduler = scheduler;
        this.listener = listener;
        this.version = version;
    }

    public String name() {
        return config.name();
    }

    public UpstreamConfig config() {
        return config;
    }

    public UpstreamState state() {
        return state;
    }

    /** Why this upstream is not ready (null while it is); URLs masked. */
    public String lastError() {
        return lastError;
    }

    /** The latest call that failed by this upstream's fault, with the reference its client was given. */
    public java.util.Optional<CallFailure> lastCallFailure() {
        return java.util.Optional.ofNullable(lastCallFailure);
    }

    /** A failed call as admins see it in {@code /health}: when, the reference, and the whole (masked) story. */
    public record CallFailure(Instant at, UpstreamException failure) {}

    private void noteCallFailure(Throwable failure) {
        if (rootCause(failure) instanceof UpstreamException u) {
            lastCallFailure = new CallFailure(Instant.now(), u);
            logs.add("forge", "call failed, reference " + u.reference() + ": " + u.getMessage());
        }
    }

    public UpstreamLists lists() {
        return lists;
    }

    public Instant since() {
        return since;
    }

    public String protocolVersion() {
        return protocolVersion;
    }

    public ObjectNode serverInfo() {
        return serverInfo;
    }

    public String transportKind() {
        UpstreamClient c = client;
        return c != null ? c.transport().kind() : switch (config) {
            case UpstreamConfig.Stdio s -> "stdio";
            case UpstreamConfig.StreamableHttp h -> "streamable-http";
            case UpstreamConfig.Sse s -> "sse";
            case UpstreamConfig.Rest r -> "rest";
            case UpstreamConfig.Local l -> "local";
            case UpstreamConfig.Meta m -> "meta";
        };
    }

    /** Connects and discovers; on failure records why and schedules another attempt. Never throws. */
    public void connect() {
        try {
            connectOnce();
        } finally {
            firstAttempt.complete(null);
        }
    }

    /** Completes when the first connection attempt has ended, whether the upstream is ready or failed. */
    public CompletableFuture<Void> firstAttempt() {
        return firstAttempt;
    }

    /** Fetches every list again on the shared connection (an operator's refresh); the catalog follows. */
    public void refreshLists() {
        UpstreamClient c = client;
        if (c == null || state != UpstreamState.READY) {
            throw new JsonRpcException(JsonRpcError.UPSTREAM_UNAVAILABLE,
                    "Upstream '" + name() + "' is unavailable" + (lastError == null ? "" : ": " + lastError));
        }
        refreshLock.lock();
        try {
            lists = discover(c);
            listener.upstreamChanged(this);
        } finally {
            refreshLock.unlock();
        }
    }

    private void connectOnce() {
        if (stopped) {
            return;
        }
        try {
            UpstreamClient connected = open(null);
            if (stopped) { // stop() ran while we were connecting: this connection must not outlive it
                connected.close();
                return;
            }
            client = connected;
            UpstreamLists discovered = discover(connected);
            lists = discovered;
            backoff = Duration.ofSeconds(1);
            changeState(UpstreamState.READY, null);
            LOG.info("upstream {} ready over {} (protocol {}): {} tools, {} resources, {} templates, {} prompts",
                    name(), connected.transport().kind(), protocolVersion, discovered.tools().size(),
                    discovered.resources().size(), discovered.resourceTemplates().size(), discovered.prompts().size());
        } catch (RuntimeException e) {
            UpstreamClient failed = client;
            client = null;
            if (failed != null) {
                failed.close();
            }
            lastKind = e instanceof UpstreamException u ? u.kind() : UpstreamException.Kind.UNREACHABLE;
            if (lastKind == UpstreamException.Kind.PROTOCOL_ERROR) {
                backoff = MAX_BACKOFF; // it will break the protocol again (endless lists, a wrong version): no quick retry
            }
            fail(messageOf(e));
        }
    }

    private java.util.Map<String, String> environment(UpstreamConfig.Stdio stdio) {
        try {
            return children.build("not started: entry", stdio.env(), stdio.inheritEnv(), stdio.command());
        } catch (ConfigException e) {
            throw new UpstreamException(name(), UpstreamException.Kind.UNREACHABLE, e.getMessage(), e);
        }
    }

    private UpstreamClient open(Caller owner) {
        return open(owner, null);
    }

    /**
     * Opens and initializes a connection; {@code owner} is its one client, or null for the shared one; {@code onEnd}
     * (or null) runs once the connection is gone.
     */
    private UpstreamClient open(Caller owner, Runnable onEnd) {
        return switch (config) {
            case UpstreamConfig.Stdio s -> initialize(new StdioTransport(s.name(), s.command(), environment(s), logs,
                    limits.maxMessageBytes(), stdoutLines, stderrLines), owner, onEnd);
            case UpstreamConfig.Sse s ->
                    initialize(new SseTransport(s.name(), s.url(), http, s.headers(), connectTimeout, s.timeout(),
                            limits.maxMessageBytes()), owner);
            case UpstreamConfig.Rest r -> initialize(new RestToolsTransport(r.source(), http, r.timeout()), owner);
            case UpstreamConfig.Local l -> initialize(new LocalItemsTransport(l.source()), owner);
            case UpstreamConfig.Meta m -> initialize(new MetaToolsTransport(m.source()), owner);
            case UpstreamConfig.StreamableHttp h -> {
                try {
                    yield initialize(new StreamableHttpTransport(h.name(), h.url(), http, h.headers(), h.timeout(),
                            limits.maxMessageBytes()), owner);
                } catch (UpstreamException e) {
                    int status = e.httpStatus();
                    if (status != 400 && status != 404 && status != 405) {
                        throw e;
                    }
                    // The spec's backwards-compatibility rule: a server that refuses the POST may be a legacy SSE one.
                    LOG.info("upstream {}: Streamable HTTP refused (HTTP {}), trying the legacy SSE transport", name(), status);
                    yield initialize(new SseTransport(h.name(), h.url(), http, h.headers(), connectTimeout, h.timeout(),
                        limits.maxMessageBytes()), owner);
                }
            }
        };
    }

    private UpstreamClient initialize(UpstreamTransport transport, Caller owner) {
        return initialize(transport, owner, null);
    }

    private UpstreamClient initialize(UpstreamTransport transport, Caller owner, Runnable onEnd) {
        UpstreamClient c = new UpstreamClient(name(), transport, inbox,
                owner == null ? reason -> onConnectionLost(transport, reason) : reason -> {
                    perClient.remove(owner.sessionId());
                    if (onEnd != null) {
                        onEnd.run();
                    }
                },
                owner);
        try {
            transport.start(c);
            ObjectNode params = Json.object();
            params.put("protocolVersion", ProtocolVersions.LATEST);
            params.set("capabilities", owner == null ? everyClientCapability() : owner.clientCapabilities().deepCopy());
            ObjectNode info = params.putObject("clientInfo");
            info.put("name", "forge");
            info.put("version", version);
            ObjectNode result = await(c.call("initialize", params, connectTimeout), "initialize");
            String agreed = result.path("protocolVersion").asString(null);
            if (!ProtocolVersions.isSupported(agreed)) {
                throw new UpstreamException(name(), UpstreamException.Kind.PROTOCOL_ERROR, "answered initialize with protocol version " + agreed
                        + " (expected one of " + ProtocolVersions.SUPPORTED + ")");
            }
            if (owner == null) {
                protocolVersion = agreed;
                serverInfo = result.get("serverInfo") instanceof ObjectNode o ? o : null;
                capabilities = result.get("capabilities") instanceof ObjectNode o ? o : Json.object();
            }
            c.notify("notifications/initialized", null);
            transport.initialized(agreed);
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * What the shared connection declares: every client capability, so servers that offer tools only to clients
     * able to answer sampling, elicitation or roots show them in the catalog. A client without the capability that
     * calls such a tool gets a clear error when the upstream asks it.
     */
    private static ObjectNode everyClientCapability() {
        ObjectNode caps = Json.object();
        caps.putObject("sampling");
        caps.putObject("elicitation");
        caps.putObject("roots").put("listChanged", true);
        return caps;
    }

    private UpstreamLists discover(UpstreamClient c) {
        List<ObjectNode> tools = capabilities.has("tools") ? listAll(c, "tools/list", "tools") : List.of();
        List<ObjectNode> resources = capabilities.has("resources") ? listAll(c, "resources/list", "resources") : List.of();
        List<ObjectNode> templates = capabilities.has("resources") ? listAll(c, "resources/templates/list", "resourceTemplates") : List.of();
        List<ObjectNode> prompts = capabilities.has("prompts") ? listAll(c, "prompts/list", "prompts") : List.of();
        return new UpstreamLists(tools, resources, templates, prompts, capabilities.has("completions"));
    }

    /** Follows {@code nextCursor} to the end; a page limit guards against an upstream that cycles. */
    private List<ObjectNode> listAll(UpstreamClient c, String method, String key) {
        List<ObjectNode> all = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < MAX_LIST_PAGES; page++) {
            ObjectNode params = Json.object();
            if (cursor != null) {
                params.put("cursor", cursor);
            }
            ObjectNode result;
            try {
                result = await(c.call(method, params, config.timeout()), method);
            } catch (UpstreamException e) {
                if (method.equals("resources/templates/list")) {
                    return all; // optional for servers with resources; some do not implement it
                }
                throw e;
            }
            for (JsonNode item : result.path(key)) {
                if (item instanceof ObjectNode o && o.hasNonNull(identifyingField(key))) {
                    if (all.size() == limits.maxListItems()) { // stop pulling: a budget counted across pages
                        throw new UpstreamException(name(), UpstreamException.Kind.PROTOCOL_ERROR, method + " offered more than "
                                + limits.maxListItems() + " items (expected: at most " + limits.maxListItems() + "; MAX_UPSTREAM_LIST_ITEMS)");
                    }
                    all.add(o);
                }
            }
            cursor = result.path("nextCursor").asString(null);
            if (cursor == null || cursor.isEmpty()) {
                return all;
            }
        }
        throw new UpstreamException(name(), UpstreamException.Kind.PROTOCOL_ERROR, method + " returned more than " + MAX_LIST_PAGES + " pages");
    }

    /** The field an item of a list must have to be routable; items without it are dropped. */
    private static String identifyingField(String listKey) {
        return switch (listKey) {
            case "resources" -> "uri";
            case "resourceTemplates" -> "uriTemplate";
            default -> "name";
        };
    }

    private ObjectNode await(CompletableFuture<ObjectNode> future, String method) {
        ObjectNode response;
        try {
            response = future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TimeoutException) {
                throw new UpstreamException(name(), UpstreamException.Kind.TIMED_OUT, method + " timed out", cause);
            }
            throw cause instanceof UpstreamException u ? u
                    : new UpstreamException(name(), UpstreamException.Kind.UNREACHABLE, method + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(name(), UpstreamException.Kind.UNREACHABLE, "interrupted", e);
        }
        JsonNode error = response.get("error");
        if (error != null) {
            throw new UpstreamException(name(), UpstreamException.Kind.REFUSED, method + " failed: " + error.path("message").asString("error " + error.path("code")));
        }
        return response.get("result") instanceof ObjectNode o ? o : Json.object();
    }

    private final UpstreamClient.Inbox inbox = new UpstreamClient.Inbox() {
        @Override
        public void request(ObjectNode request, UpstreamClient from) {
            answerServerRequest(request, from);
        }

        @Override
        public void notification(Message.Notification notification, UpstreamClient from) {
            onNotification(notification, from);
        }
    };

    private void onNotification(Message.Notification notification, UpstreamClient from) {
        String method = notification.method();
        switch (method) {
            case "notifications/tools/list_changed", "notifications/prompts/list_changed", "notifications/resources/list_changed" -> {
                if (from == client && state == UpstreamState.READY) {
                    refreshList(method, from);
                }
            }
            case "notifications/progress" -> {
                ObjectNode params = notification.params();
                ProgressTokens.Registration registration = progress.lookup(params.path("progressToken").asString(""));
                if (registration != null) {
                    params.set("progressToken", registration.clientToken());
                    registration.caller().relay(notification.node());
                }
            }
            case "notifications/resources/updated", "notifications/tasks/status" -> routedByContent.accept(notification.node());
            case "notifications/cancelled" -> {
                if (!from.withdrawn(notification.params().get("requestId"))) {
                    LOG.debug("upstream {}: cancelled a request no client is answering", name());
                }
            }
            default -> {
                Caller caller = from.attributedCaller();
                if (caller != null) {
                    caller.relay(notification.node());
                } else {
                    LOG.debug("upstream {}: {} with no client to deliver it to", name(), method);
                }
            }
        }
    }

    private void refreshList(String method, UpstreamClient c) {
        switch (method) {
            case "notifications/tools/list_changed" -> refresh(() -> lists = lists.withTools(listAll(c, "tools/list", "tools")));
            case "notifications/prompts/list_changed" -> refresh(() -> lists = lists.withPrompts(listAll(c, "prompts/list", "prompts")));
            default -> refresh(() -> lists = lists.withResources(
                    listAll(c, "resources/list", "resources"), listAll(c, "resources/templates/list", "resourceTemplates")));
        }
    }

    /**
     * A request the upstream sends us (sampling, elicitation, roots, ping): ping is answered here; the others go to
     * the client the upstream is working for, and its answer comes back with the upstream's own id.
     */
    private void answerServerRequest(ObjectNode request, UpstreamClient from) {
        JsonNode id = request.get("id");
        String method = request.path("method").asString("");
        if (method.equals("ping")) {
            from.send(Message.result(id, Json.object()).node());
            return;
        }
        Caller caller = from.attributedCaller();
        String capability = switch (method) {
            case "sampling/createMessage" -> "sampling";
            case "elicitation/create" -> "elicitation";
            case "roots/list" -> "roots";
            default -> null;
        };
        if (caller == null) {
            from.send(Message.error(id, new JsonRpcError(JsonRpcError.INTERNAL_ERROR,
                    "No client is waiting on this upstream to answer " + method)).node());
            return;
        }
        if (capability != null && !caller.clientCapabilities().has(capability)) {
            from.send(Message.error(id, new JsonRpcError(JsonRpcError.METHOD_NOT_FOUND,
                    "Method not found: the client did not declare the " + capability + " capability")).node());
            return;
        }
        JsonNode params = request.get("params");
        CompletableFuture<ObjectNode> asked = caller.ask(method, params instanceof ObjectNode o ? o : null);
        java.util.concurrent.atomic.AtomicBoolean withdrawn = new java.util.concurrent.atomic.AtomicBoolean();
        from.asking(id, () -> {
            withdrawn.set(true);
            caller.withdraw(asked, "withdrawn by upstream '" + name() + "'");
        });
        asked.whenComplete((answer, failure) -> {
            from.answered(id);
            if (withdrawn.get()) {
                return; // the upstream cancelled its request: it expects no answer
            }
            ObjectNode reply = failure == null ? answer
                    : Message.error(id, new JsonRpcError(JsonRpcError.INTERNAL_ERROR, "The client did not answer " + method)).node();
            reply.set("id", id);
            from.send(reply);
        });
    }

    private void refresh(Runnable fetch) {
        Thread.ofVirtual().name("refresh-" + name()).start(() -> {
            // one at a time: each fetch sees the upstream as it is when it runs, so the last one leaves the truth
            refreshLock.lock();
            try {
                fetch.run();
                listener.upstreamChanged(this);
            } catch (RuntimeException e) {
                UpstreamClient current = client;
                if (e instanceof UpstreamException u && u.kind() == UpstreamException.Kind.PROTOCOL_ERROR && current != null) {
                    // a list over its budget after a change is as bad as at connect: failed, retried after the longest pause
                    backoff = MAX_BACKOFF;
                    onConnectionLost(current.transport(), messageOf(e));
                    return;
                }
                LOG.warn("upstream {}: refreshing its lists failed: {}", name(), MaskedUrl.inText(messageOf(e)));
            } finally {
                refreshLock.unlock();
            }
        });
    }

    private void onConnectionLost(UpstreamTransport transport, String reason) {
        UpstreamClient c = client;
        if (stopped || c == null || c.transport() != transport) {
            return; // a connection we already replaced or are shutting down
        }
        client = null;
        transport.close();
        lastKind = UpstreamException.Kind.UNREACHABLE;
        fail("connection lost: " + reason);
    }

    private void fail(String why) {
        if (stopped) {
            return;
        }
        String reason = MaskedUrl.inText(why); // shown in /health and the log: no credentials in URLs
        lists = UpstreamLists.EMPTY;
        noteFailure();
        changeState(UpstreamState.FAILED, reason);
        if (stopped) {
            return;
        }
        boolean expired = reason.endsWith("session expired");
        Duration wait = expired ? Duration.ZERO : backoff; // a restarted server is up: reconnect at once
        if (!expired) {
            backoff = wait.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait.multipliedBy(2);
        }
        LOG.warn("upstream {} unavailable: {}; retrying in {} ms", name(), reason, wait.toMillis());
        scheduler.schedule(() -> Thread.ofVirtual().name("connect-" + name()).start(this::connect), wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Remembers a failure; five within {@link #CRASH_LOOP_WINDOW} make a crash loop, shown in /health. */
    private synchronized void noteFailure() {
        Instant now = Instant.now();
        if (state == UpstreamState.READY) {
            restarts++;
        }
        recentFailures.addLast(now);
        while (!recentFailures.isEmpty() && recentFailures.peekFirst().isBefore(now.minus(CRASH_LOOP_WINDOW))) {
            recentFailures.removeFirst();
        }
        boolean looping = recentFailures.size() >= CRASH_LOOP_FAILURES;
        if (looping && !crashLoop) {
            LOG.error("upstream {} is in a crash loop: {} failures within {} s", name(), recentFailures.size(), CRASH_LOOP_WINDOW.toSeconds());
        }
        crashLoop = looping;
    }

    /** Times the upstream was lost after having been ready. */
    public int restarts() {
        return restarts;
    }

    /** True while the upstream keeps failing: {@value #CRASH_LOOP_FAILURES} failures within five minutes. */
    public boolean crashLoop() {
        return crashLoop && state != UpstreamState.READY;
    }

    public String breakerState() {
        return guard.breakerState();
    }

    public int callsInFlight() {
        return guard.inFlight();
    }

    private void changeState(UpstreamState next, String error) {
        state = next;
        lastError = error;
        since = Instant.now();
        listener.upstreamChanged(this);
        // after the state is visible: whoever waits on the signal acts on it at once
        if (next == UpstreamState.READY) {
            readySignal.complete(null);
        } else if (readySignal.isDone()) {
            readySignal = new CompletableFuture<>();
        }
    }


    /** Read-only methods that are safe to send again once after the upstream forgot our session. */
    private static final java.util.Set<String> IDEMPOTENT = java.util.Set.of("resources/read", "prompts/get",
            "completion/complete", "resources/templates/list", "tools/list", "prompts/list", "resources/list", "ping");

    /**
     * Forwards a client's request (mutated in place: our id replaces the client's, our progress token the client's)
     * on the connection this client uses, and completes with the raw response message, or fails with an error
     * naming this upstream. If the upstream forgot our session (it restarted), a read-only request is sent once
     * more on a fresh session.
     */
    public CompletableFuture<ObjectNode> forward(ObjectNode request, Caller caller) {
        lastUsed = Instant.now();
        String token = null;
        JsonNode meta = request.path("params").get("_meta");
        if (caller != null && meta instanceof ObjectNode m && m.hasNonNull("progressToken")) {
            token = progress.register(caller, m.get("progressToken"));
            m.put("progressToken", token);
        }
        CompletableFuture<ObjectNode> result = attempt(request, caller);
        if (IDEMPOTENT.contains(request.path("method").asString(""))) {
            result = result.exceptionallyCompose(failure -> rootCause(failure) instanceof UpstreamException u
                    && u.sessionExpired()
                    ? readyAgain().thenCompose(ready -> attempt(request, caller))
                    : CompletableFuture.failedFuture(failure));
        }
        if (token != null) {
            String ours = token;
            result.whenComplete((ok, failure) -> progress.release(ours));
        }
        return result;
    }

    private PendingCall attempt(ObjectNode request, Caller caller) {
        UpstreamClient c;
        try {
            c = connectionFor(caller);
        } catch (RuntimeException e) {
            return PendingCall.failed(e);
        }
        String tool = "tools/call".equals(request.path("method").asString("")) ? request.path("params").path("name").asString(null) : null;
        PendingCall call = guard.run(() -> c.call(request, config.policy().timeoutFor(tool), caller));
        if (caller != null) {
            caller.onCancel(() -> call.cancelUpstream("cancelled by the client"));
        }
        return call;
    }

    /** Completes once this upstream is ready (at once if it is), failing after the connect timeout. */
    private CompletableFuture<Void> readyAgain() {
        return readySignal.copy().orTimeout(connectTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    }

    private UpstreamClient connectionFor(Caller caller) {
        if (state == UpstreamState.SLEEPING) {
            awaitWake();
        }
        UpstreamClient shared = client;
        if (shared == null || state != UpstreamState.READY) {
            throw new UpstreamException(name(), lastKind, "unavailable (" + state.name().toLowerCase(java.util.Locale.ROOT) + ")"
                    + (lastError == null ? "" : ": " + lastError));
        }
        if (caller == null || config.sessionMode() == SessionMode.SHARED) {
            return shared;
        }
        CompletableFuture<UpstreamClient> mine = new CompletableFuture<>();
        CompletableFuture<UpstreamClient> existing = perClient.putIfAbsent(caller.sessionId(), mine);
        if (existing == null) {
            Runnable slot = null;
            try {
                slot = config instanceof UpstreamConfig.Stdio ? clientProcesses.acquire(name(), ownProcesses, processRefusals) : null;
                mine.complete(open(caller.sessionWide(), slot));
                LOG.debug("upstream {}: opened a session for client {}", name(), caller.sessionId());
            } catch (RuntimeException e) {
                if (slot != null) {
                    slot.run();
                }
                perClient.remove(caller.sessionId(), mine);
                mine.completeExceptionally(e);
            }
            existing = mine;
        }
        try {
            return existing.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * Wakes a sleeping upstream for a call and waits (on the caller's virtual thread) until it is ready, at most the
     * upstream's request timeout; the call then goes on as if it had never slept.
     */
    private void awaitWake() {
        CompletableFuture<Void> ready = readySignal;
        wake();
        try {
            ready.get(config.policy().timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new JsonRpcException(JsonRpcError.UPSTREAM_UNAVAILABLE, "Upstream '" + name()
                    + "' was asleep and did not wake within " + config.policy().timeout().toMillis() + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof UpstreamException u ? u
                    : new UpstreamException(name(), UpstreamException.Kind.UNREACHABLE, "could not be woken: " + messageOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JsonRpcException(JsonRpcError.UPSTREAM_UNAVAILABLE, "Interrupted while waking '" + name() + "'");
        }
    }

    /**
     * Stops the process to free its memory but keeps its lists in the catalog; the next call (or {@link #wake})
     * starts it again. Only a ready upstream sleeps; true if this one now does.
     */
    public boolean sleep(String why) {
        UpstreamClient c = client;
        if (stopped || c == null || state != UpstreamState.READY) {
            return false;
        }
        client = null; // first: the connection's end is then not taken for a crash
        changeState(UpstreamState.SLEEPING, why);
        logs.add("forge", "asleep: " + why);
        LOG.info("upstream {} asleep: {}", name(), why);
        c.close();
        perClient.keySet().forEach(this::closeSession);
        return true;
    }

    /** Starts a sleeping or stopped upstream again, in the background; a second call while it starts does nothing. */
    public void wake() {
        UpstreamState now = state;
        if (stopped || !(now == UpstreamState.SLEEPING || now == UpstreamState.STOPPED) || !waking.compareAndSet(false, true)) {
            return;
        }
        logs.add("forge", "waking");
        Thread.ofVirtual().name("wake-" + name()).start(() -> {
            try {
                connectOnce();
            } finally {
                waking.set(false);
            }
        });
    }

    /**
     * Stops the process and keeps it stopped (an operator's stop, or a limit exceeded), with the reason shown in
     * health and the service list; its tools leave the catalog until {@link #wake} starts it again.
     */
    public void halt(String reason) {
        UpstreamClient c = client;
        client = null;
        lists = UpstreamLists.EMPTY;
        changeState(UpstreamState.STOPPED, reason);
        logs.add("forge", "stopped: " + reason);
        LOG.warn("upstream {} stopped: {}", name(), reason);
        firstAttempt.complete(null);
        if (c != null) {
            c.close();
        }
        perClient.keySet().forEach(this::closeSession);
    }

    /** When a client last sent it a request. */
    public Instant lastUsed() {
        return lastUsed;
    }

    /** What its process wrote and what happened to it, newest last. */
    public LogRing logs() {
        return logs;
    }

    /** Ends the upstream session a client had here, if it had one (its process, for stdio). */
    public void closeSession(String sessionId) {
        CompletableFuture<UpstreamClient> connection = perClient.remove(sessionId);
        if (connection != null) {
            connection.thenAccept(UpstreamClient::close);
        }
    }

    /** True if the upstream said it runs requests as tasks (MCP 2025-11-25). */
    public boolean supportsTasks() {
        return state == UpstreamState.READY && capabilities.has("tasks");
    }

    /** Processes running for this upstream's per-client sessions. */
    public int clientProcesses() {
        return ownProcesses.get();
    }

    /** Per-client sessions refused a process since start, for being over a cap. */
    public int clientProcessRefusals() {
        return processRefusals.get();
    }

    /** Upstream sessions currently open for individual clients. */
    public int clientSessions() {
        return perClient.size();
    }

    public Long pid() {
        UpstreamClient c = client;
        return c != null && c.transport() instanceof StdioTransport s ? s.pid() : null;
    }

    public void stop() {
        stopped = true;
        java.util.concurrent.ScheduledFuture<?> checks = healthChecks;
        if (checks != null) {
            checks.cancel(false);
        }
        firstAttempt.complete(null);
        UpstreamClient c = client;
        client = null;
        if (c != null) {
            c.close();
        }
        perClient.keySet().forEach(this::closeSession);
        state = UpstreamState.STOPPED;
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable t = failure;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Pings the upstream every {@code health_check_interval} while it is ready; after
     * {@value #MISSED_PINGS_BEFORE_FAILED} failed pings in a row its connection is dropped, which marks it failed
     * (its tools leave the catalog) and starts reconnecting.
     */
    public void startHealthChecks() {
        Duration interval = config.policy().healthCheckInterval();
        if (interval.isZero()) {
            return;
        }
        healthChecks = scheduler.scheduleWithFixedDelay(() -> Thread.ofVirtual().name("ping-" + name()).start(this::ping),
                interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void ping() {
        UpstreamClient c = client;
        if (stopped || c == null || state != UpstreamState.READY) {
            return;
        }
        Duration limit = config.policy().healthCheckInterval().compareTo(connectTimeout) < 0
                ? config.policy().healthCheckInterval() : connectTimeout;
        try {
            await(c.call("ping", null, limit), "ping");
            missedPings = 0;
        } catch (UpstreamException e) {
            int missed = ++missedPings;
            LOG.warn("upstream {}: health-check ping failed ({} in a row): {}", name(), missed, MaskedUrl.inText(e.getMessage()));
            if (missed >= MISSED_PINGS_BEFORE_FAILED) {
                missedPings = 0;
                onConnectionLost(c.transport(), missed + " health-check pings failed in a row");
            }
        }
    }

    private static String messageOf(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}

package dev.forge.upstream;

import dev.forge.config.ChildEnvironment;
import dev.forge.config.UpstreamConfig;
import dev.forge.config.UpstreamLimits;
import dev.forge.protocol.Message;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.eclipse.jetty.client.HttpClient;
import tools.jackson.databind.node.ObjectNode;

/**
 * One federated MCP server: connects, initializes, keeps its lists current, reconnects with backoff when the
 * connection is lost, and forwards calls. The catalog is told whenever what it offers changes.
 *
 * <p>The work is done by one class per job: {@link Connector} (with {@link Handshake} and {@link ListDiscovery}),
 * {@link Reconnection} and {@link CrashLoop} when it fails, {@link ListRefresh}, {@link NotificationRouter} and
 * {@link ServerRequestRelay} for what the upstream sends, {@link CallForwarder} and {@link ClientSessions} for
 * what clients send, {@link Dormancy} and {@link HealthPings}.
 */
public final class Upstream {

    /** Told when this upstream's state or lists change. */
    public interface ChangeListener {
        void upstreamChanged(Upstream upstream);
    }

    /** A failed call as admins see it in {@code /health}: when, the reference, and the whole (masked) story. */
    public record CallFailure(Instant at, UpstreamException failure) {}

    private final UpstreamConfig config;
    private final LogRing logs = new LogRing(Clock.systemUTC());
    private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();
    private final SharedConnection shared = new SharedConnection();
    private final UpstreamStatus status;
    private final CrashLoop crashLoop;
    private final ListRefresh refresh;
    private final Connector connector;
    private final ClientSessions sessions;
    private final Dormancy dormancy;
    private final CallForwarder forwarder;
    private final HealthPings pings;

    /** @param children what a stdio upstream's process may see of Forge's environment */
    public Upstream(UpstreamConfig config, HttpClient http, ChildEnvironment children, Duration connectTimeout,
                    ScheduledExecutorService scheduler, ChangeListener listener, String version, ProgressTokens progress,
                    Consumer<ObjectNode> routedByContent) {
        this(config, http, children, connectTimeout, scheduler, listener, version, progress, routedByContent,
                UpstreamLimits.DEFAULTS, new ClientProcesses(UpstreamLimits.DEFAULTS));
    }

    /** @param clientProcesses the gateway-wide count of per-client processes, shared by every upstream */
    public Upstream(UpstreamConfig config, HttpClient http, ChildEnvironment children, Duration connectTimeout,
                    ScheduledExecutorService scheduler, ChangeListener listener, String version, ProgressTokens progress,
                    Consumer<ObjectNode> routedByContent, UpstreamLimits limits, ClientProcesses clientProcesses) {
        this.config = config;
        String name = config.name();
        this.status = new UpstreamStatus(this, listener);
        this.crashLoop = new CrashLoop(name, status);
        Reconnection reconnection = new Reconnection(name, status, shared, crashLoop, scheduler, this::connect);
        ListDiscovery discovery = new ListDiscovery(config, limits, shared);
        this.refresh = new ListRefresh(name, discovery, shared, status, reconnection);
        UpstreamClient.Inbox inbox = inbox(new NotificationRouter(name, shared, status, refresh, progress, routedByContent),
                new ServerRequestRelay(name));
        Handshake handshake = new Handshake(config, http, children, connectTimeout, limits, version, logs, inbox, shared);
        this.connector = new Connector(name, handshake, discovery, shared, status, reconnection);
        this.sessions = new ClientSessions(config, handshake, clientProcesses);
        this.dormancy = new Dormancy(config, status, shared, sessions, connector, logs, firstAttempt);
        this.forwarder = new CallForwarder(config, connectTimeout, progress, status, shared, sessions, dormancy, logs);
        this.pings = new HealthPings(config, connectTimeout, scheduler, shared, status, reconnection);
    }

    /** What an upstream sends on its own, on any of its connections: requests to the relay, the rest to the router. */
    private static UpstreamClient.Inbox inbox(NotificationRouter router, ServerRequestRelay relay) {
        return new UpstreamClient.Inbox() {
            @Override
            public void request(ObjectNode request, UpstreamClient from, Caller related) {
                relay.answer(request, from, related);
            }

            @Override
            public void notification(Message.Notification notification, UpstreamClient from, Caller related) {
                router.route(notification, from, related);
            }
        };
    }

    public String name() {
        return config.name();
    }

    public UpstreamConfig config() {
        return config;
    }

    public UpstreamState state() {
        return status.state();
    }

    /** Why this upstream is not ready (null while it is); URLs masked. */
    public String lastError() {
        return status.lastError();
    }

    /** The latest call that failed by this upstream's fault, with the reference its client was given. */
    public Optional<CallFailure> lastCallFailure() {
        return forwarder.lastCallFailure();
    }

    public UpstreamLists lists() {
        return shared.lists();
    }

    public Instant since() {
        return status.since();
    }

    public String protocolVersion() {
        return shared.protocolVersion();
    }

    public ObjectNode serverInfo() {
        return shared.serverInfo();
    }

    public String transportKind() {
        UpstreamClient c = shared.current();
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
            connector.connectOnce();
        } finally {
            firstAttempt.complete(null);
        }
    }

    /** Completes when the first connection attempt has ended, whether the upstream is ready or failed. */
    public CompletableFuture<Void> firstAttempt() {
        return firstAttempt;
    }

    /** Completes once every list this upstream said changed is fetched again (at once when none is being fetched). */
    public CompletableFuture<Void> listsSettled() {
        return refresh.settled();
    }

    /** Fetches every list again on the shared connection (an operator's refresh); the catalog follows. */
    public void refreshLists() {
        refresh.all();
    }

    /** Times the upstream was lost after having been ready. */
    public int restarts() {
        return crashLoop.restarts();
    }

    /** True while the upstream keeps failing: five failures within five minutes. */
    public boolean crashLoop() {
        return crashLoop.looping();
    }

    public String breakerState() {
        return forwarder.breakerState();
    }

    public int callsInFlight() {
        return forwarder.callsInFlight();
    }

    /**
     * Forwards a client's request (mutated in place: our id replaces the client's, our progress token the client's)
     * on the connection this client uses, and completes with the raw response message, or fails with an error
     * naming this upstream. If the upstream forgot our session (it restarted), a read-only request is sent once
     * more on a fresh session.
     */
    public CompletableFuture<ObjectNode> forward(ObjectNode request, Caller caller) {
        return forwarder.forward(request, caller, false);
    }

    /**
     * {@link #forward}, for an answer the gateway passes on without reading its result: that result may arrive as
     * the bytes the upstream sent ({@link dev.forge.protocol.RawResult}), to be written out again as they are.
     */
    public CompletableFuture<ObjectNode> passOn(ObjectNode request, Caller caller) {
        return forwarder.forward(request, caller, true);
    }

    /**
     * Stops the process to free its memory but keeps its lists in the catalog; the next call (or {@link #wake})
     * starts it again. Only a ready upstream sleeps; true if this one now does.
     */
    public boolean sleep(String why) {
        return dormancy.sleep(why);
    }

    /** Starts a sleeping or stopped upstream again, in the background; a second call while it starts does nothing. */
    public void wake() {
        dormancy.wake();
    }

    /**
     * Stops the process and keeps it stopped (an operator's stop, or a limit exceeded), with the reason shown in
     * health and the service list; its tools leave the catalog until {@link #wake} starts it again.
     */
    public void halt(String reason) {
        dormancy.halt(reason);
    }

    /** When a client last sent it a request. */
    public Instant lastUsed() {
        return forwarder.lastUsed();
    }

    /** What its process wrote and what happened to it, newest last. */
    public LogRing logs() {
        return logs;
    }

    /** Ends the upstream session a client had here, if it had one (its process, for stdio). */
    public void closeSession(String sessionId) {
        sessions.close(sessionId);
    }

    /** True if the upstream said it runs requests as tasks (MCP 2025-11-25). */
    public boolean supportsTasks() {
        return status.state() == UpstreamState.READY && shared.capabilities().has("tasks");
    }

    /** Processes running for this upstream's per-client sessions. */
    public int clientProcesses() {
        return sessions.processes();
    }

    /** Per-client sessions refused a process since start, for being over a cap. */
    public int clientProcessRefusals() {
        return sessions.processRefusals();
    }

    /** Upstream sessions currently open for individual clients. */
    public int clientSessions() {
        return sessions.count();
    }

    public Long pid() {
        UpstreamClient c = shared.current();
        return c != null && c.transport() instanceof StdioTransport s ? s.pid() : null;
    }

    public void stop() {
        status.stop();
        pings.stop();
        firstAttempt.complete(null);
        UpstreamClient c = shared.take();
        if (c != null) {
            c.close();
        }
        sessions.closeAll();
        status.showStopped();
    }

    /**
     * Pings the upstream every {@code health_check_interval} while it is ready; after three failed pings in a row
     * its connection is dropped, which marks it failed and starts reconnecting.
     */
    public void startHealthChecks() {
        pings.start();
    }
}

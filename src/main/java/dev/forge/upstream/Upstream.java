package dev.forge.upstream;

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

    /** Told when this upstream's state or lists change. */
    public interface ChangeListener {
        void upstreamChanged(Upstream upstream);
    }

    private final UpstreamConfig config;
    private final HttpClient http;
    private final Duration connectTimeout;
    private final ScheduledExecutorService scheduler;
    private final ChangeListener listener;
    private final String version;
    private volatile UpstreamClient client;
    private volatile UpstreamState state = UpstreamState.CONNECTING;
    private volatile String lastError;
    private volatile UpstreamLists lists = UpstreamLists.EMPTY;
    private volatile ObjectNode serverInfo;
    private volatile ObjectNode capabilities = Json.object();
    private volatile String protocolVersion;
    private volatile Instant since = Instant.now();
    private volatile Duration backoff = Duration.ofSeconds(1);
    private volatile boolean stopped;

    public Upstream(UpstreamConfig config, HttpClient http, Duration connectTimeout, ScheduledExecutorService scheduler,
                    ChangeListener listener, String version) {
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

    public String lastError() {
        return lastError;
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
        };
    }

    /** Connects and discovers; on failure records why and schedules another attempt. Never throws. */
    public void connect() {
        if (stopped) {
            return;
        }
        try {
            UpstreamClient connected = open();
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
            fail(messageOf(e));
        }
    }

    private UpstreamClient open() {
        return switch (config) {
            case UpstreamConfig.Stdio s -> initialize(new StdioTransport(s.name(), s.command(), s.env()));
            case UpstreamConfig.Sse s ->
                    initialize(new SseTransport(s.name(), s.url(), http, s.headers(), connectTimeout, s.timeout()));
            case UpstreamConfig.StreamableHttp h -> {
                try {
                    yield initialize(new StreamableHttpTransport(h.name(), h.url(), http, h.headers(), h.timeout()));
                } catch (UpstreamException e) {
                    int status = e.httpStatus();
                    if (status != 400 && status != 404 && status != 405) {
                        throw e;
                    }
                    // The spec's backwards-compatibility rule: a server that refuses the POST may be a legacy SSE one.
                    LOG.info("upstream {}: Streamable HTTP refused (HTTP {}), trying the legacy SSE transport", name(), status);
                    yield initialize(new SseTransport(h.name(), h.url(), http, h.headers(), connectTimeout, h.timeout()));
                }
            }
        };
    }

    private UpstreamClient initialize(UpstreamTransport transport) {
        UpstreamClient c = new UpstreamClient(name(), transport, this::onNotification, reason -> onConnectionLost(transport, reason));
        try {
            transport.start(c);
            ObjectNode params = Json.object();
            params.put("protocolVersion", ProtocolVersions.LATEST);
            params.set("capabilities", Json.object());
            ObjectNode info = params.putObject("clientInfo");
            info.put("name", "forge");
            info.put("version", version);
            ObjectNode result = await(c.call("initialize", params, connectTimeout), "initialize");
            String agreed = result.path("protocolVersion").asString(null);
            if (!ProtocolVersions.isSupported(agreed)) {
                throw new UpstreamException(name() + ": answered initialize with protocol version " + agreed
                        + " (expected one of " + ProtocolVersions.SUPPORTED + ")");
            }
            protocolVersion = agreed;
            serverInfo = result.get("serverInfo") instanceof ObjectNode o ? o : null;
            capabilities = result.get("capabilities") instanceof ObjectNode o ? o : Json.object();
            c.notify("notifications/initialized", null);
            transport.initialized(agreed);
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
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
                    all.add(o);
                }
            }
            cursor = result.path("nextCursor").asString(null);
            if (cursor == null || cursor.isEmpty()) {
                return all;
            }
        }
        throw new UpstreamException(name() + ": " + method + " returned more than " + MAX_LIST_PAGES + " pages");
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
                throw new UpstreamException(name() + ": " + method + " timed out", cause);
            }
            throw cause instanceof UpstreamException u ? u : new UpstreamException(name() + ": " + method + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(name() + ": interrupted", e);
        }
        JsonNode error = response.get("error");
        if (error != null) {
            throw new UpstreamException(name() + ": " + method + " failed: " + error.path("message").asString("error " + error.path("code")));
        }
        return response.get("result") instanceof ObjectNode o ? o : Json.object();
    }

    private void onNotification(Message.Notification notification) {
        String method = notification.method();
        UpstreamClient c = client;
        if (c == null || state != UpstreamState.READY) {
            return;
        }
        switch (method) {
            case "notifications/tools/list_changed" -> refresh(() -> lists = lists.withTools(listAll(c, "tools/list", "tools")));
            case "notifications/prompts/list_changed" -> refresh(() -> lists = lists.withPrompts(listAll(c, "prompts/list", "prompts")));
            case "notifications/resources/list_changed" -> refresh(() -> lists = lists.withResources(
                    listAll(c, "resources/list", "resources"), listAll(c, "resources/templates/list", "resourceTemplates")));
            default -> LOG.debug("upstream {}: notification {}", name(), method);
        }
    }

    private void refresh(Runnable fetch) {
        Thread.ofVirtual().name("refresh-" + name()).start(() -> {
            try {
                fetch.run();
                listener.upstreamChanged(this);
            } catch (RuntimeException e) {
                LOG.warn("upstream {}: refreshing its lists failed: {}", name(), messageOf(e));
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
        fail("connection lost: " + reason);
    }

    private void fail(String reason) {
        if (stopped) {
            return;
        }
        lists = UpstreamLists.EMPTY;
        changeState(UpstreamState.FAILED, reason);
        if (stopped) {
            return;
        }
        Duration wait = backoff;
        backoff = wait.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait.multipliedBy(2);
        LOG.warn("upstream {} unavailable: {}; retrying in {} ms", name(), reason, wait.toMillis());
        scheduler.schedule(() -> Thread.ofVirtual().name("connect-" + name()).start(this::connect), wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void changeState(UpstreamState next, String error) {
        state = next;
        lastError = error;
        since = Instant.now();
        listener.upstreamChanged(this);
    }

    /**
     * Forwards a client's request (mutated in place: our id replaces the client's) and completes with the raw
     * response message, or fails with {@link UpstreamException} naming this upstream.
     */
    public CompletableFuture<ObjectNode> forward(ObjectNode request) {
        UpstreamClient c = client;
        if (c == null || state != UpstreamState.READY) {
            return CompletableFuture.failedFuture(new JsonRpcException(JsonRpcError.UPSTREAM_UNAVAILABLE,
                    "Upstream '" + name() + "' is unavailable" + (lastError == null ? "" : ": " + lastError)));
        }
        return c.call(request, config.timeout());
    }

    public Long pid() {
        UpstreamClient c = client;
        return c != null && c.transport() instanceof StdioTransport s ? s.pid() : null;
    }

    public void stop() {
        stopped = true;
        UpstreamClient c = client;
        client = null;
        if (c != null) {
            c.close();
        }
        state = UpstreamState.STOPPED;
    }

    private static String messageOf(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}

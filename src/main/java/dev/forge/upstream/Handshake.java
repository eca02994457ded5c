package dev.forge.upstream;

import dev.forge.config.ChildEnvironment;
import dev.forge.config.ConfigException;
import dev.forge.config.UpstreamConfig;
import dev.forge.config.UpstreamLimits;
import dev.forge.protocol.Json;
import dev.forge.protocol.ProtocolVersions;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiConsumer;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Opens one connection to an upstream and initializes it: the transport its configuration names (a Streamable HTTP
 * server that refuses the POST is tried again as legacy SSE), then {@code initialize}, the version check and
 * {@code notifications/initialized}.
 */
final class Handshake {

    // one logger for the whole upstream: its story reads (and is filtered) under one name
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);

    private final UpstreamConfig config;
    private final HttpClient http;
    private final ChildEnvironment children;
    private final Duration connectTimeout;
    private final UpstreamLimits limits;
    private final String version;
    private final LogRing logs;
    private final UpstreamClient.Inbox inbox;
    private final SharedConnection shared;
    private final LogSampler stdoutLines = new LogSampler(LogSampler.DEFAULT_PER_SECOND, System::nanoTime);
    private final LogSampler stderrLines = new LogSampler(LogSampler.DEFAULT_PER_SECOND, System::nanoTime);

    /**
     * @param inbox  where what the upstream sends on its own goes, on every connection
     * @param shared where the shared connection's answer to initialize is recorded
     */
    Handshake(UpstreamConfig config, HttpClient http, ChildEnvironment children, Duration connectTimeout,
              UpstreamLimits limits, String version, LogRing logs, UpstreamClient.Inbox inbox, SharedConnection shared) {
        this.config = config;
        this.http = http;
        this.children = children;
        this.connectTimeout = connectTimeout;
        this.limits = limits;
        this.version = version;
        this.logs = logs;
        this.inbox = inbox;
        this.shared = shared;
    }

    /**
     * Opens and initializes a connection; {@code owner} is its one client, or null for the shared one. {@code ended}
     * hears, once, when the connection is gone, with the transport it ran on and why.
     */
    UpstreamClient open(Caller owner, BiConsumer<UpstreamTransport, String> ended) {
        return switch (config) {
            case UpstreamConfig.Stdio s -> initialize(new StdioTransport(s.name(), s.command(), environment(s), logs,
                    limits.maxMessageBytes(), stdoutLines, stderrLines), owner, ended);
            case UpstreamConfig.Sse s ->
                    initialize(new SseTransport(s.name(), s.url(), http, s.headers(), connectTimeout, s.timeout(),
                            limits.maxMessageBytes()), owner, ended);
            case UpstreamConfig.Rest r -> initialize(new RestToolsTransport(r.source(), http, r.timeout()), owner, ended);
            case UpstreamConfig.Local l -> initialize(new LocalItemsTransport(l.source()), owner, ended);
            case UpstreamConfig.Meta m -> initialize(new MetaToolsTransport(m.source()), owner, ended);
            case UpstreamConfig.StreamableHttp h -> {
                try {
                    yield initialize(new StreamableHttpTransport(h.name(), h.url(), http, h.headers(), h.timeout(),
                            limits.maxMessageBytes()), owner, ended);
                } catch (UpstreamException e) {
                    int status = e.httpStatus();
                    if (status != 400 && status != 404 && status != 405) {
                        throw e;
                    }
                    // The spec's backwards-compatibility rule: a server that refuses the POST may be a legacy SSE one.
                    LOG.info("upstream {}: Streamable HTTP refused (HTTP {}), trying the legacy SSE transport", config.name(), status);
                    yield initialize(new SseTransport(h.name(), h.url(), http, h.headers(), connectTimeout, h.timeout(),
                            limits.maxMessageBytes()), owner, ended);
                }
            }
        };
    }

    private Map<String, String> environment(UpstreamConfig.Stdio stdio) {
        try {
            return children.build("not started: entry", stdio.env(), stdio.inheritEnv(), stdio.command());
        } catch (ConfigException e) {
            throw new UpstreamException(config.name(), UpstreamException.Kind.UNREACHABLE, e.getMessage(), e);
        }
    }

    private UpstreamClient initialize(UpstreamTransport transport, Caller owner, BiConsumer<UpstreamTransport, String> ended) {
        UpstreamClient c = new UpstreamClient(config.name(), transport, inbox, reason -> ended.accept(transport, reason), owner);
        try {
            transport.start(c);
            ObjectNode capabilities = owner == null ? everyClientCapability() : owner.clientCapabilities().deepCopy();
            ObjectNode info = Json.object();
            info.put("name", "forge");
            info.put("version", version);
            if (transport instanceof StreamableHttpTransport http && new EraProbe(config.name(), c, http, connectTimeout)
                    .modern(capabilities, info, owner == null ? shared : null)) {
                return c; // a modern server: no initialize, no session
            }
            ObjectNode params = Json.object();
            params.put("protocolVersion", ProtocolVersions.LATEST);
            params.set("capabilities", capabilities);
            params.set("clientInfo", info);
            ObjectNode result = CallOutcome.result(config.name(), c.call("initialize", params, connectTimeout), "initialize");
            String agreed = result.path("protocolVersion").asString(null);
            if (!ProtocolVersions.isSupported(agreed)) {
                throw new UpstreamException(config.name(), UpstreamException.Kind.PROTOCOL_ERROR, "answered initialize with protocol version "
                        + agreed + " (expected one of " + ProtocolVersions.SUPPORTED + ")");
            }
            if (owner == null) {
                shared.agreed(agreed, result.get("serverInfo") instanceof ObjectNode o ? o : null,
                        result.get("capabilities") instanceof ObjectNode o ? o : Json.object());
            }
            transport.agreed(agreed); // every message from here on carries the revision (MCP-Protocol-Version)
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
}

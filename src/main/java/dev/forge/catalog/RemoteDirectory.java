package dev.forge.catalog;

import dev.forge.config.MaskedUrl;
import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.config.UpstreamPolicy;
import dev.forge.protocol.Json;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Federates the upstreams another Forge process lists, each as a Streamable HTTP upstream at that process's
 * per-upstream endpoint, which serves its tools unprefixed:
 * <ul>
 *   <li>a gateway running apart from its service manager ({@code FORGE_ENABLE_DYNAMIC_SERVICES=true}) federates the
 *   manager's services ({@code GET /services}, then {@code /services/NAME/mcp});</li>
 *   <li>a tool router running apart from the gateway federates every upstream the gateway has ({@code GET /health},
 *   then {@code /gateways/NAME/mcp}), so it indexes the gateway's catalog and its calls go through the gateway,
 *   instead of starting a second copy of each server.</li>
 * </ul>
 * The list is read at start and every {@link #PERIOD}; upstreams that appear join, upstreams that go leave. A
 * sleeping service stays in the catalog: the manager wakes it when a call arrives.
 */
public final class RemoteDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteDirectory.class);
    static final Duration PERIOD = Duration.ofSeconds(15);

    private final URI base;
    private final String listPath;
    private final Function<JsonNode, List<String>> names;
    private final String endpointPrefix;
    private final HttpClient http;
    private final Federation federation;
    private final Supplier<String> credential;
    private final Duration timeout;
    private final Set<String> federated = new HashSet<>();
    private volatile ScheduledFuture<?> task;

    private RemoteDirectory(URI base, String listPath, Function<JsonNode, List<String>> names, String endpointPrefix,
                            HttpClient http, Federation federation, Supplier<String> credential, Duration timeout) {
        this.base = base;
        this.listPath = listPath;
        this.names = names;
        this.endpointPrefix = endpointPrefix;
        this.http = http;
        this.federation = federation;
        this.credential = credential;
        this.timeout = timeout;
    }

    /** The services of the service manager at {@code managerUrl}; {@code credential}: a bearer token, or null for none. */
    public static RemoteDirectory ofServiceManager(URI managerUrl, HttpClient http, Federation federation,
                                                   Supplier<String> credential, Duration timeout) {
        return new RemoteDirectory(managerUrl, "/services", list -> {
            List<String> found = new ArrayList<>();
            list.forEach(service -> {
                // one waiting for its environment variables has no MCP endpoint yet
                if (service.hasNonNull("name") && !"needs-configuration".equals(service.path("state").asString(""))) {
                    found.add(service.get("name").asString());
                }
            });
            return found;
        }, "/services/", http, federation, credential, timeout);
    }

    /** Every upstream of the gateway at {@code gatewayUrl} but those named in {@code excluded}. */
    public static RemoteDirectory ofGateway(URI gatewayUrl, Set<String> excluded, HttpClient http, Federation federation,
                                            Supplier<String> credential, Duration timeout) {
        return new RemoteDirectory(gatewayUrl, "/health", health -> {
            List<String> found = new ArrayList<>();
            health.path("upstreams").propertyNames().forEach(name -> {
                if (!excluded.contains(name)) {
                    found.add(name);
                }
            });
            return found;
        }, "/gateways/", http, federation, credential, timeout);
    }

    public void start(ScheduledExecutorService scheduler) {
        task = scheduler.scheduleWithFixedDelay(() -> Thread.ofVirtual().name("remote-directory").start(this::sync),
                0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the list once and brings the federation in line with it. */
    public synchronized void sync() {
        JsonNode listing;
        String token = credential.get();
        try {
            var request = http.newRequest(base.resolve(listPath)).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (token != null) {
                request.headers(h -> h.put("Authorization", "Bearer " + token));
            }
            ContentResponse response = request.send();
            if (response.getStatus() != 200) {
                LOG.warn("{} answered {} to GET {}", MaskedUrl.of(base), response.getStatus(), listPath);
                return;
            }
            listing = Json.parse(response.getContent());
        } catch (Exception e) {
            LOG.warn("{} is unreachable: {}", MaskedUrl.of(base), MaskedUrl.inText(e.getMessage()));
            return;
        }
        Set<String> listed = new HashSet<>(names.apply(listing));
        for (String name : listed) {
            if (!federated.contains(name) && federation.find(name) == null) {
                Map<String, String> headers = token == null ? Map.of() : Map.of("Authorization", "Bearer " + token);
                federation.add(new UpstreamConfig.StreamableHttp(name, base.resolve(endpointPrefix + name + "/mcp"),
                        headers, UpstreamPolicy.of(timeout, SessionMode.SHARED)));
                federated.add(name);
                LOG.info("federating {} from {}", name, MaskedUrl.of(base));
            }
        }
        for (String gone : Set.copyOf(federated)) {
            if (!listed.contains(gone)) {
                federation.remove(gone);
                federated.remove(gone);
                LOG.info("{} is no longer listed by {}; removed", gone, MaskedUrl.of(base));
            }
        }
    }

    @Override
    public void close() {
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
    }
}

package dev.forge.services;

import dev.forge.catalog.Federation;
import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.config.UpstreamPolicy;
import dev.forge.protocol.Json;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * A gateway running apart from its service manager ({@code FORGE_ENABLE_DYNAMIC_SERVICES=true}) federates the
 * manager's services: each becomes a Streamable HTTP upstream at {@code FORGE_SERVICE_MANAGER_URL/services/NAME/mcp}.
 * The list is read at start and every {@link #PERIOD}; services that appear join, services that go leave. A
 * sleeping service stays in the catalog: the manager wakes it when the gateway's call arrives.
 */
public final class ServiceDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceDirectory.class);
    static final Duration PERIOD = Duration.ofSeconds(15);

    private final URI managerUrl;
    private final HttpClient http;
    private final Federation federation;
    private final Supplier<String> credential;
    private final Duration timeout;
    private final Set<String> federated = new HashSet<>();
    private volatile ScheduledFuture<?> task;

    /** {@code credential}: a bearer token for the manager, or null when it needs none. */
    public ServiceDirectory(URI managerUrl, HttpClient http, Federation federation, Supplier<String> credential, Duration timeout) {
        this.managerUrl = managerUrl;
        this.http = http;
        this.federation = federation;
        this.credential = credential;
        this.timeout = timeout;
    }

    public void start(ScheduledExecutorService scheduler) {
        task = scheduler.scheduleWithFixedDelay(() -> Thread.ofVirtual().name("service-directory").start(this::sync),
                0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the manager's list once and brings the federation in line with it. */
    public synchronized void sync() {
        JsonNode services;
        String token = credential.get();
        try {
            var request = http.newRequest(managerUrl.resolve("/services")).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (token != null) {
                request.headers(h -> h.put("Authorization", "Bearer " + token));
            }
            ContentResponse response = request.send();
            if (response.getStatus() != 200) {
                LOG.warn("service manager at {} answered {} to GET /services", managerUrl, response.getStatus());
                return;
            }
            services = Json.parse(response.getContent());
        } catch (Exception e) {
            LOG.warn("service manager at {} is unreachable: {}", managerUrl, e.getMessage());
            return;
        }
        Set<String> listed = new HashSet<>();
        for (JsonNode service : services) {
            String name = service.path("name").asString(null);
            if (name == null) {
                continue;
            }
            listed.add(name);
            if (!federated.contains(name) && federation.find(name) == null) {
                Map<String, String> headers = token == null ? Map.of() : Map.of("Authorization", "Bearer " + token);
                federation.add(new UpstreamConfig.StreamableHttp(name, managerUrl.resolve("/services/" + name + "/mcp"),
                        headers, UpstreamPolicy.of(timeout, SessionMode.SHARED)));
                federated.add(name);
                LOG.info("federating service {} from the service manager at {}", name, managerUrl);
            }
        }
        for (String gone : Set.copyOf(federated)) {
            if (!listed.contains(gone)) {
                federation.remove(gone);
                federated.remove(gone);
                LOG.info("service {} left the service manager; removed", gone);
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

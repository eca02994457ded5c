package dev.forge.registry;

import dev.forge.catalog.Federation;
import dev.forge.config.ConfigException;
import dev.forge.config.ConfigLoader;
import dev.forge.config.UpstreamConfig;
import dev.forge.store.DuplicateNameException;
import dev.forge.store.GatewayRecord;
import dev.forge.store.GatewayRepository;
import dev.forge.upstream.Upstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Registered upstreams: stored in the database, federated while enabled. Changes take effect at once — the
 * catalog is rebuilt and connected clients hear {@code list_changed} — and survive restarts.
 */
public final class GatewayRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayRegistry.class);

    /** API bodies are validated like forge.yaml entries but never expand the server's environment variables. */
    private final ConfigLoader bodies = ConfigLoader.forRequestBodies();
    private final ConfigLoader stored = ConfigLoader.forStoredEntries();
    private final dev.forge.upstream.AddressPolicy addresses;
    private final GatewayRepository repository;
    private final Duration defaultTimeout;
    private final Duration connectTimeout;
    private volatile Federation federation;

    public GatewayRegistry(GatewayRepository repository, Duration defaultTimeout, Duration connectTimeout,
                           dev.forge.upstream.AddressPolicy addresses) {
        this.addresses = addresses;
        this.repository = repository;
        this.defaultTimeout = defaultTimeout;
        this.connectTimeout = connectTimeout;
    }

    /**
     * Applies forge.yaml idempotently: upstreams it names are created or updated to match; upstreams added through
     * the API are left alone. Returns the enabled upstreams to federate at start.
     */
    public List<UpstreamConfig> bootstrap(List<UpstreamConfig> declared) {
        for (UpstreamConfig config : declared) {
            ObjectNode spec = UpstreamSpecs.toJson(config, null);
            Optional<GatewayRecord> existing = repository.findByName(config.name());
            if (existing.isEmpty()) {
                repository.insert(config.name(), UpstreamSpecs.transport(config), spec, true);
            } else if (!existing.get().spec().equals(spec)) {
                repository.update(existing.get().id(), config.name(), UpstreamSpecs.transport(config), spec, existing.get().enabled());
            }
        }
        List<UpstreamConfig> enabled = new ArrayList<>();
        for (GatewayRecord record : repository.list()) {
            if (record.enabled()) {
                try {
                    enabled.add(toConfig(record));
                } catch (ConfigException e) {
                    LOG.error("registered gateway {} cannot be federated: {}", record.name(), e.getMessage());
                }
            }
        }
        return enabled;
    }

    /** Connects the registry to the running federation (after bootstrap built it). */
    public void attach(Federation running) {
        this.federation = running;
    }

    public List<GatewayRecord> list() {
        return repository.list();
    }

    /** By id, or by name for convenience. */
    public GatewayRecord get(String idOrName) {
        return repository.find(idOrName).or(() -> repository.findByName(idOrName))
                .orElseThrow(() -> new RegistryException(404, "No gateway '" + idOrName + "'"));
    }

    public Upstream upstream(GatewayRecord record) {
        return federation == null ? null : federation.find(record.name());
    }

    /** Validates, stores, federates, and waits (bounded) for the first connection attempt so the answer says how it went. */
    public GatewayRecord register(JsonNode body) {
        UpstreamConfig config = validate(body);
        boolean enabled = !body.has("enabled") || body.get("enabled").asBoolean(true);
        GatewayRecord record;
        try {
            record = repository.insert(config.name(), UpstreamSpecs.transport(config),
                    UpstreamSpecs.toJson(config, body.path("description").asString(null)), enabled);
        } catch (DuplicateNameException e) {
            throw new RegistryException(409, e.getMessage());
        }
        if (enabled && federation != null) {
            awaitFirstAttempt(federation.add(config));
        }
        return record;
    }

    public GatewayRecord update(String idOrName, JsonNode sent) {
        GatewayRecord current = get(idOrName);
        // a body read back from GET carries masked secrets: those keep what is stored while their destination does
        JsonNode body = sent instanceof tools.jackson.databind.node.ObjectNode o ? MaskedUpdate.unmasked(o, current) : sent;
        UpstreamConfig config = validateUpdate(current, body);
        GatewayRecord updated;
        try {
            updated = repository.update(current.id(), config.name(), UpstreamSpecs.transport(config),
                    UpstreamSpecs.toJson(config, body.path("description").asString(null)), current.enabled())
                    .orElseThrow(() -> new RegistryException(404, "No gateway '" + idOrName + "'"));
        } catch (DuplicateNameException e) {
            throw new RegistryException(409, e.getMessage());
        }
        if (federation != null) {
            federation.remove(current.name());
            if (updated.enabled()) {
                awaitFirstAttempt(federation.add(config));
            }
        }
        return updated;
    }

    public GatewayRecord delete(String idOrName) {
        GatewayRecord current = get(idOrName);
        repository.delete(current.id());
        if (federation != null) {
            federation.remove(current.name());
        }
        return current;
    }

    /** Enables (federates) or disables (stops, keeps the registration) an upstream. */
    public GatewayRecord setEnabled(String idOrName, boolean enabled) {
        GatewayRecord current = get(idOrName);
        GatewayRecord updated = repository.update(current.id(), current.name(), current.transport(), current.spec(), enabled)
                .orElseThrow(() -> new RegistryException(404, "No gateway '" + idOrName + "'"));
        if (enabled && federation.find(current.name()) == null) {
            awaitFirstAttempt(federation.add(toConfig(updated)));
        } else if (!enabled) {
            federation.remove(current.name());
        }
        return updated;
    }

    /** Fetches the upstream's lists again. */
    public Upstream refresh(String idOrName) {
        GatewayRecord current = get(idOrName);
        Upstream upstream = federation.find(current.name());
        if (upstream == null) {
            throw new RegistryException(409, "Gateway '" + current.name() + "' is disabled");
        }
        upstream.refreshLists();
        return upstream;
    }

    UpstreamConfig validate(JsonNode body) {
        return validate(body, bodies);
    }

    /** As an update of {@code current}: {@code inherit_env} comes from forge.yaml alone, so it may be kept, never added or changed. */
    UpstreamConfig validateUpdate(GatewayRecord current, JsonNode body) {
        boolean keepsInheritance = body != null && body.has("inherit_env")
                && body.get("inherit_env").equals(current.spec().get("inherit_env"));
        return validate(body, keepsInheritance ? stored : bodies);
    }

    private UpstreamConfig validate(JsonNode body, ConfigLoader loader) {
        if (body == null || !body.isObject()) {
            throw new RegistryException(422, "body: expected a JSON object describing the gateway");
        }
        ObjectNode copy = ((ObjectNode) body).deepCopy();
        copy.remove("enabled");
        String name = copy.path("name").asString(null);
        if (RestToolRegistry.UPSTREAM.equals(name) || LocalItemRegistry.UPSTREAM.equals(name)) {
            throw new RegistryException(422, "body.name: '" + name + "' is reserved for Forge's own tools, prompts and resources");
        }
        UpstreamConfig config;
        try {
            config = loader.gateway("body", copy, defaultTimeout);
        } catch (ConfigException e) {
            throw new RegistryException(422, e.getMessage());
        }
        java.net.URI url = switch (config) {
            case UpstreamConfig.StreamableHttp h -> h.url();
            case UpstreamConfig.Sse h -> h.url();
            default -> null;
        };
        String refused = url == null ? null : addresses.refusal(url);
        if (refused != null) {
            throw new RegistryException(422, "body.url: '" + dev.forge.config.MaskedUrl.of(url) + "' refused by the SSRF guard: " + refused);
        }
        return config;
    }

    private UpstreamConfig toConfig(GatewayRecord record) {
        ObjectNode mapping = record.spec().deepCopy();
        mapping.put("name", record.name());
        return stored.gateway("gateway '" + record.name() + "'", mapping, defaultTimeout);
    }

    private void awaitFirstAttempt(Upstream upstream) {
        try {
            upstream.firstAttempt().get(connectTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // still trying: the answer shows it as connecting
        }
    }
}

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
    private final ReservedNames reserved = new ReservedNames();
    /**
     * The stored entry each upstream this registry federates was made from, by name: what {@link #reconcile} compares
     * the database with. Changes here and reconciling take turns ({@link #writing}).
     */
    private final Map<String, GatewayRecord> applied = new ConcurrentHashMap<>();
    private final ReentrantLock writing = new ReentrantLock();

    public GatewayRegistry(GatewayRepository repository, Duration defaultTimeout, Duration connectTimeout,
                           dev.forge.upstream.AddressPolicy addresses) {
        this.addresses = addresses;
        this.repository = repository;
        this.defaultTimeout = defaultTimeout;
        this.connectTimeout = connectTimeout;
    }

    /**
     * Applies forge.yaml idempotently: upstreams it names are created or updated to match; upstreams added through
     * the API are left alone. Returns the enabled upstreams to federate at start; an entry that cannot be used is
     * left out, logged, and shown as invalid, and everything else starts.
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
            String problem = problem(record);
            if (problem != null) {
                LOG.error("gateway '{}' is invalid and not federated: {}", record.name(), problem);
            } else if (record.enabled()) {
                enabled.add(toConfig(record));
                applied.put(record.name(), record);
            }
        }
        return enabled;
    }

    /**
     * Claims a name for another of Forge's parts (the router's meta-tools, a managed service): no gateway may take it.
     * Before bootstrap. The wiring claims the router's name whatever roles run, so the registry need not know the router.
     */
    /** The part of Forge that owns this name (a built-in, a managed service), or null if a gateway may take it. */
    public String reservedOwner(String name) {
        return reserved.owner(name);
    }

    public void reserve(String name, String owner) {
        reserved.reserve(name, owner);
    }

    /** Why this entry cannot be federated, or null if it can. */
    public String problem(GatewayRecord record) {
        String owner = reserved.owner(record.name());
        if (owner != null) {
            return ReservedNames.reserved("name", record.name(), owner) + "; rename or delete this gateway";
        }
        if (record.unreadable() != null) {
            return record.unreadable();
        }
        try {
            toConfig(record);
            return null;
        } catch (RuntimeException e) { // a spec edited by hand can break in any way; it is this entry's problem alone
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    /** Every entry that cannot be used, by name, with why. */
    public Map<String, String> invalid() {
        Map<String, String> invalid = new java.util.LinkedHashMap<>();
        for (GatewayRecord record : repository.list()) {
            String problem = problem(record);
            if (problem != null) {
                invalid.put(record.name(), problem);
            }
        }
        return invalid;
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

    /** The running upstream of this entry; none for an invalid one, whose name may be a built-in's. */
    /** The entry a write is about; a built-in's name, with no entry of its own, is refused as the built-in's. */
    private GatewayRecord target(String idOrName) {
        Optional<GatewayRecord> found = repository.find(idOrName).or(() -> repository.findByName(idOrName));
        if (found.isEmpty() && reserved.owner(idOrName) != null) {
            throw reserved.builtIn(idOrName);
        }
        return found.orElseThrow(() -> new RegistryException(404, "No gateway '" + idOrName + "'"));
    }

    public Upstream upstream(GatewayRecord record) {
        return federation == null || problem(record) != null ? null : federation.find(record.name());
    }

    /** Validates, stores, federates, and waits (bounded) for the first connection attempt so the answer says how it went. */
    public GatewayRecord register(JsonNode body) {
        writing.lock();
        try {
            return registerNow(body);
        } finally {
            writing.unlock();
        }
    }

    private GatewayRecord registerNow(JsonNode body) {
        UpstreamConfig config = validate(body, bodies, null);
        boolean enabled = !body.has("enabled") || body.get("enabled").asBoolean(true);
        GatewayRecord record;
        try {
            record = repository.insert(config.name(), UpstreamSpecs.transport(config),
                    UpstreamSpecs.toJson(config, body.path("description").asString(null)), enabled);
        } catch (DuplicateNameException e) {
            throw new RegistryException(409, e.getMessage());
        }
        if (enabled && federation != null) {
            Upstream added;
            try {
                added = federation.add(config);
            } catch (IllegalArgumentException e) { // a service took the name since it was checked: undo, not a 500
                repository.delete(record.id());
                throw ReservedNames.taken(config.name());
            }
            applied.put(record.name(), record);
            awaitFirstAttempt(added);
        }
        return record;
    }

    public GatewayRecord update(String idOrName, JsonNode sent) {
        writing.lock();
        try {
            return updateNow(idOrName, sent);
        } finally {
            writing.unlock();
        }
    }

    private GatewayRecord updateNow(String idOrName, JsonNode sent) {
        GatewayRecord current = target(idOrName);
        boolean federated = federated(current);
        // a body read back from GET carries masked secrets: those keep what is stored while their destination does
        // (nothing is kept from a spec that cannot be opened: its masked values are refused)
        GatewayRecord keep = current.unreadable() == null ? current : new GatewayRecord(current.id(), current.name(),
                current.transport(), tools.jackson.databind.node.JsonNodeFactory.instance.objectNode(), current.enabled(),
                current.createdAt(), current.updatedAt());
        JsonNode body = sent instanceof tools.jackson.databind.node.ObjectNode o ? MaskedUpdate.unmasked(o, keep) : sent;
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
            if (federated) {
                federation.remove(current.name());
                applied.remove(current.name());
            }
            if (updated.enabled()) {
                Upstream added = federation.add(config);
                applied.put(updated.name(), updated);
                awaitFirstAttempt(added);
            }
        }
        return updated;
    }

    public GatewayRecord delete(String idOrName) {
        writing.lock();
        try {
            GatewayRecord current = target(idOrName);
            boolean federated = federated(current);
            repository.delete(current.id());
            if (federation != null && federated) { // an invalid entry's name may be a built-in's, which stays
                federation.remove(current.name());
                applied.remove(current.name());
            }
            return current;
        } finally {
            writing.unlock();
        }
    }

    /** Enables (federates) or disables (stops, keeps the registration) an upstream. */
    public GatewayRecord setEnabled(String idOrName, boolean enabled) {
        writing.lock();
        try {
            return setEnabledNow(idOrName, enabled);
        } finally {
            writing.unlock();
        }
    }

    private GatewayRecord setEnabledNow(String idOrName, boolean enabled) {
        GatewayRecord current = target(idOrName);
        String problem = problem(current);
        if (problem != null && enabled) {
            throw new RegistryException(409, "gateway '" + current.name() + "': invalid, so it cannot be enabled: " + problem
                    + " (expected: fix it with PUT, or delete it)");
        }
        if (problem != null) { // nothing of it runs: only the stored flag changes
            return repository.update(current.id(), current.name(), current.transport(), current.spec(), false)
                    .orElseThrow(() -> new RegistryException(404, "No gateway '" + idOrName + "'"));
        }
        GatewayRecord updated = repository.update(current.id(), current.name(), current.transport(), current.spec(), enabled)
                .orElseThrow(() -> new RegistryException(404, "No gateway '" + idOrName + "'"));
        if (enabled && federation.find(current.name()) == null) {
            Upstream added = federation.add(toConfig(updated));
            applied.put(updated.name(), updated);
            awaitFirstAttempt(added);
        } else if (!enabled) {
            federation.remove(current.name());
            applied.remove(current.name());
        }
        return updated;
    }

    /** Fetches the upstream's lists again. */
    public Upstream refresh(String idOrName) {
        GatewayRecord current = target(idOrName);
        Upstream upstream = upstream(current);
        if (upstream == null) {
            throw new RegistryException(409, "Gateway '" + current.name() + "' is disabled");
        }
        upstream.refreshLists();
        return upstream;
    }

    /**
     * Makes what runs match what is stored, after a change made elsewhere (another replica, the database itself):
     * an upstream whose entry was added, changed or enabled is (re)started, one whose entry went away or was disabled
     * is stopped, and every other upstream is left running untouched. Never waits for a connection.
     */
    public void reconcile() {
        Federation running = federation;
        if (running == null) {
            return;
        }
        writing.lock();
        try {
            Map<String, GatewayRecord> wanted = new LinkedHashMap<>();
            for (GatewayRecord record : repository.list()) {
                if (federated(record)) {
                    wanted.put(record.name(), record);
                }
            }
            for (String name : List.copyOf(applied.keySet())) {
                if (!wanted.containsKey(name)) {
                    running.remove(name);
                    applied.remove(name);
                    LOG.info("gateway '{}' stopped: removed or disabled in the shared registry", name);
                }
            }
            wanted.forEach((name, record) -> {
                GatewayRecord before = applied.get(name);
                if (before != null && sameEntry(before, record) && running.find(name) != null) {
                    return;
                }
                if (before == null && running.find(name) != null) {
                    return; // that name runs as another of Forge's parts; the entry is shown as invalid
                }
                if (before != null) {
                    running.remove(name);
                }
                running.add(toConfig(record));
                applied.put(name, record);
                LOG.info("gateway '{}' {} from the shared registry", name, before == null ? "started" : "restarted with its new settings");
            });
        } finally {
            writing.unlock();
        }
    }

    private static boolean sameEntry(GatewayRecord a, GatewayRecord b) {
        return a.id().equals(b.id()) && a.transport().equals(b.transport()) && a.spec().equals(b.spec()) && a.enabled() == b.enabled();
    }

    UpstreamConfig validate(JsonNode body) {
        return validate(body, bodies, null);
    }

    /**
     * A gateway as it would be registered, checked as a registration is (the same messages), not stored: what the
     * console's "test connection" tries. {@code currentName}: the gateway being edited, whose name it may keep.
     */
    public UpstreamConfig checked(JsonNode body, String currentName) {
        if (currentName == null) {
            return validate(body, bodies, null);
        }
        GatewayRecord current = target(currentName);
        // as an update: a masked value (***) stands for the stored one while its destination does not change
        JsonNode unmasked = current.unreadable() == null && body instanceof tools.jackson.databind.node.ObjectNode o
                ? MaskedUpdate.unmasked(o, current) : body;
        return validateUpdate(current, unmasked);
    }

    /** As an update of {@code current}: {@code inherit_env} comes from forge.yaml alone, so it may be kept, never added or changed. */
    UpstreamConfig validateUpdate(GatewayRecord current, JsonNode body) {
        boolean keepsInheritance = body != null && body.has("inherit_env")
                && body.get("inherit_env").equals(current.spec().get("inherit_env"));
        return validate(body, keepsInheritance ? stored : bodies, current.name());
    }

    /** Everything a write needs checked before it is stored: values, reserved names, names other parts run under. */
    private UpstreamConfig validate(JsonNode body, ConfigLoader loader, String currentName) {
        if (body == null || !body.isObject()) {
            throw new RegistryException(422, "body: expected a JSON object describing the gateway");
        }
        ObjectNode copy = ((ObjectNode) body).deepCopy();
        copy.remove("enabled");
        String name = copy.path("name").asString(null);
        reserved.refuse("body.name", name);
        Federation running = federation;
        if (name != null && !name.equals(currentName) && running != null && running.find(name) != null
                && repository.findByName(name).isEmpty()) {
            throw ReservedNames.taken(name);
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

    private boolean federated(GatewayRecord record) {
        return record.enabled() && problem(record) == null;
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

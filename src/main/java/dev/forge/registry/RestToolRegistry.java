package dev.forge.registry;

import dev.forge.catalog.Federation;
import dev.forge.config.RestToolSource;
import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.config.UpstreamPolicy;
import dev.forge.store.DuplicateNameException;
import dev.forge.store.RestToolRepository;
import dev.forge.upstream.RestTool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * REST-backed tools: plain HTTP APIs registered as MCP tools, stored, and served by the built-in upstream
 * {@value #UPSTREAM} (so they are named {@code rest__<name>} on the federated endpoint).
 */
public final class RestToolRegistry implements RestToolSource {

    public static final String UPSTREAM = "rest";
    private final dev.forge.upstream.AddressPolicy addresses;

    private final RestToolRepository repository;
    private final Duration timeout;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile List<ObjectNode> definitions;
    private volatile Federation federation;

    public RestToolRegistry(RestToolRepository repository, Duration timeout, dev.forge.upstream.AddressPolicy addresses) {
        this.addresses = addresses;
        this.repository = repository;
        this.timeout = timeout;
        this.definitions = load();
        invalid().forEach((name, why) -> org.slf4j.LoggerFactory.getLogger(RestToolRegistry.class)
                .error("REST tool '{}' is invalid and not served: {}", name, why));
    }

    /** The built-in upstream's configuration; it is federated once there is at least one REST tool. */
    public UpstreamConfig upstreamConfig() {
        return new UpstreamConfig.Rest(UPSTREAM, UpstreamPolicy.of(timeout, SessionMode.SHARED), this);
    }

    public boolean isEmpty() {
        return definitions.isEmpty();
    }

    public void attach(Federation running) {
        this.federation = running;
    }

    @Override
    public List<ObjectNode> definitions() {
        return definitions;
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    public List<RestToolRepository.RestToolRecord> list() {
        return repository.list();
    }

    public RestToolRepository.RestToolRecord create(JsonNode body) {
        if (!(body instanceof ObjectNode spec)) {
            throw new RegistryException(422, "body: expected a JSON object describing the REST tool");
        }
        RestTool tool;
        try {
            tool = RestTool.of(spec);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(422, e.getMessage());
        }
        java.net.URI literal = literalHost(tool.urlTemplate());
        String refused = literal == null ? null : addresses.refusal(literal);
        if (refused != null) {
            throw new RegistryException(422, "body.url: '" + tool.urlTemplate() + "' refused by the SSRF guard: " + refused);
        }
        RestToolRepository.RestToolRecord stored;
        try {
            stored = repository.insert(tool.name(), spec);
        } catch (DuplicateNameException e) {
            throw new RegistryException(409, e.getMessage());
        }
        changed();
        return stored;
    }

    /** The URL when its host is written out; a host filled in from arguments is judged when the tool is called. */
    private static java.net.URI literalHost(String template) {
        int start = template.indexOf("://");
        int end = template.indexOf('/', start + 3);
        String authority = template.substring(start + 3, end < 0 ? template.length() : end);
        return authority.contains("{") ? null : java.net.URI.create(template.replaceAll("\\{[^}]*}", "x"));
    }

    /** Whether the running gateway serves REST tools; offline (the CLI) there is no federation. */
    private boolean online() {
        return federation != null;
    }

    /** By its own name, or its federated one ({@code rest__name}). */
    public void delete(String name) {
        String prefix = UPSTREAM + (online() ? federation.separator() : "__");
        String own = name.startsWith(prefix) ? name.substring(prefix.length()) : name;
        if (!repository.deleteByName(own)) {
            throw new RegistryException(404, "No REST tool '" + name + "'");
        }
        changed();
    }

    /** Serves what is stored, when it differs from what is served (changed on another replica). */
    public synchronized void reconcile() {
        if (!load().equals(definitions)) {
            changed();
        }
    }

    private synchronized void changed() {
        definitions = load();
        if (federation != null && federation.find(UPSTREAM) == null && !definitions.isEmpty()) {
            federation.add(upstreamConfig()).firstAttempt().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> null).join();
        } else {
            listeners.forEach(Runnable::run);
        }
    }

    /** The tools that can be served; the others are in {@link #invalid()}. */
    private List<ObjectNode> load() {
        return repository.list().stream().filter(r -> problem(r) == null).map(RestToolRepository.RestToolRecord::spec).toList();
    }

    /** Every stored tool that cannot be served, by name, with why; the others are served all the same. */
    public java.util.Map<String, String> invalid() {
        java.util.Map<String, String> invalid = new java.util.LinkedHashMap<>();
        repository.list().forEach(r -> {
            String problem = problem(r);
            if (problem != null) {
                invalid.put(r.name(), problem);
            }
        });
        return invalid;
    }

    private static String problem(RestToolRepository.RestToolRecord record) {
        if (record.unreadable() != null) {
            return record.unreadable();
        }
        try {
            RestTool.of(record.spec());
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }
}

package dev.forge.registry;

import dev.forge.catalog.Federation;
import dev.forge.config.LocalItemSource;
import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.config.UpstreamPolicy;
import dev.forge.store.DuplicateNameException;
import dev.forge.store.LocalItemRepository;
import dev.forge.store.LocalItemRepository.Kind;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Prompts and resources defined in Forge itself, stored, and served by the built-in upstream {@value #UPSTREAM}
 * (prompts are named {@code local__<name>}; resource URIs stay as given).
 */
public final class LocalItemRegistry implements LocalItemSource {

    public static final String UPSTREAM = "local";
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,64}");

    private final LocalItemRepository repository;
    private final Duration timeout;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile List<ObjectNode> prompts;
    private volatile List<ObjectNode> resources;
    private volatile Federation federation;

    public LocalItemRegistry(LocalItemRepository repository, Duration timeout) {
        this.repository = repository;
        this.timeout = timeout;
        load();
        invalid().forEach((item, why) -> org.slf4j.LoggerFactory.getLogger(LocalItemRegistry.class)
                .error("local {} is invalid and not served: {}", item, why));
    }

    public UpstreamConfig upstreamConfig() {
        return new UpstreamConfig.Local(UPSTREAM, UpstreamPolicy.of(timeout, SessionMode.SHARED), this);
    }

    public boolean isEmpty() {
        return prompts.isEmpty() && resources.isEmpty();
    }

    public void attach(Federation running) {
        this.federation = running;
    }

    @Override
    public List<ObjectNode> prompts() {
        return prompts;
    }

    @Override
    public List<ObjectNode> resources() {
        return resources;
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    public void createPrompt(JsonNode body) {
        store(Kind.PROMPT, validatePrompt(body), (ObjectNode) body);
    }

    public void createResource(JsonNode body) {
        store(Kind.RESOURCE, validateResource(body), (ObjectNode) body);
    }

    /** Checks a prompt definition; returns its name. */
    static String validatePrompt(JsonNode body) {
        ObjectNode spec = object(body, "prompt");
        String name = spec.path("name").asString(null);
        if (name == null || !NAME.matcher(name).matches()) {
            throw new RegistryException(422, "body.name: '" + name + "' (expected: 1-64 of [a-zA-Z0-9_.-])");
        }
        if (!spec.path("template").isString()) {
            throw new RegistryException(422, "body.template: missing (expected: text with {{argument}} placeholders)");
        }
        JsonNode args = spec.get("arguments");
        if (args != null && !args.isNull()) {
            if (!args.isArray()) {
                throw new RegistryException(422, "body.arguments: expected a list of {name, description, required}");
            }
            for (int i = 0; i < args.size(); i++) {
                if (!args.get(i).path("name").isString()) {
                    throw new RegistryException(422, "body.arguments[" + i + "].name: missing");
                }
            }
        }
        return name;
    }

    /** Checks a resource definition; returns its URI. */
    static String validateResource(JsonNode body) {
        ObjectNode spec = object(body, "resource");
        String uri = spec.path("uri").asString(null);
        if (uri == null || !uri.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.+")) {
            throw new RegistryException(422, "body.uri: '" + uri + "' (expected: a URI such as docs://handbook)");
        }
        boolean link = uri.startsWith("http://") || uri.startsWith("https://");
        if (!spec.path("content").isString() && !(link && spec.path("content").isMissingNode())) {
            throw new RegistryException(422, "body.content: missing (expected: the resource's text; only an http(s) "
                    + "resource may go without, and is then read as a link)");
        }
        return uri;
    }

    public void delete(Kind kind, String key) {
        String prefix = UPSTREAM + (federation != null ? federation.separator() : "__");
        String own = kind == Kind.PROMPT && key.startsWith(prefix) ? key.substring(prefix.length()) : key;
        if (!repository.delete(kind, own)) {
            throw new RegistryException(404, "No local " + kind.name().toLowerCase() + " '" + key + "'");
        }
        changed();
    }

    private void store(Kind kind, String key, ObjectNode spec) {
        try {
            repository.insert(kind, key, spec);
        } catch (DuplicateNameException e) {
            throw new RegistryException(409, e.getMessage());
        }
        changed();
    }

    private static ObjectNode object(JsonNode body, String what) {
        if (!(body instanceof ObjectNode spec)) {
            throw new RegistryException(422, "body: expected a JSON object describing the " + what);
        }
        return spec;
    }

    /** Serves what is stored, when it differs from what is served (changed on another replica). */
    public synchronized void reconcile() {
        List<ObjectNode> servedPrompts = prompts;
        List<ObjectNode> servedResources = resources;
        load();
        if (!prompts.equals(servedPrompts) || !resources.equals(servedResources)) {
            changed();
        }
    }

    private synchronized void changed() {
        load();
        if (federation != null && federation.find(UPSTREAM) == null && !isEmpty()) {
            federation.add(upstreamConfig()).firstAttempt().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> null).join();
        } else {
            listeners.forEach(Runnable::run);
        }
    }

    /** Loads what can be served; a definition that no longer validates is left out and named by {@link #invalid()}. */
    private void load() {
        prompts = repository.list(Kind.PROMPT).stream().filter(p -> problem(Kind.PROMPT, p) == null).toList();
        resources = repository.list(Kind.RESOURCE).stream().filter(r -> problem(Kind.RESOURCE, r) == null).toList();
    }

    /** Every stored item that cannot be served, as {@code prompt 'name'} or {@code resource 'uri'}, with why. */
    public java.util.Map<String, String> invalid() {
        java.util.Map<String, String> invalid = new java.util.LinkedHashMap<>();
        for (Kind kind : Kind.values()) {
            String label = kind.name().toLowerCase();
            repository.unreadable(kind).forEach(key -> invalid.put(label + " '" + key + "'",
                    "spec: not a JSON object (expected: the " + label + "'s definition)"));
            for (ObjectNode spec : repository.list(kind)) {
                String problem = problem(kind, spec);
                if (problem != null) {
                    String key = spec.path(kind == Kind.PROMPT ? "name" : "uri").asString("?");
                    invalid.put(label + " '" + key + "'", problem);
                }
            }
        }
        return invalid;
    }

    private static String problem(Kind kind, ObjectNode spec) {
        try {
            if (kind == Kind.PROMPT) {
                validatePrompt(spec);
            } else {
                validateResource(spec);
            }
            return null;
        } catch (RegistryException e) {
            return e.getMessage();
        }
    }
}

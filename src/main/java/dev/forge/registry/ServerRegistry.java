package dev.forge.registry;

import dev.forge.catalog.Federation;
import dev.forge.config.VirtualServerConfig;
import dev.forge.store.DuplicateNameException;
import dev.forge.store.ServerRecord;
import dev.forge.store.ServerRepository;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Virtual servers: stored in the database, each served at {@code /servers/{id or name}/mcp} and {@code /sse}.
 * Changes rebuild the catalog at once.
 */
public final class ServerRegistry {

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");

    private final ServerRepository repository;
    private volatile Federation federation;
    private volatile Map<String, String> namesById = Map.of();
    /** What the federation was last given, so that reading an unchanged registry changes nothing. */
    private volatile List<VirtualServerConfig> published = List.of();
    private final Map<String, String> builtIn = new java.util.concurrent.ConcurrentHashMap<>();

    public ServerRegistry(ServerRepository repository) {
        this.repository = repository;
    }

    /** Applies forge.yaml's {@code servers:} idempotently and returns every stored server for the catalog. */
    public List<VirtualServerConfig> bootstrap(List<VirtualServerConfig> declared) {
        for (VirtualServerConfig server : declared) {
            Optional<ServerRecord> existing = repository.findByName(server.name());
            if (existing.isEmpty()) {
                repository.insert(server.name(), null, server.tools(), server.resources(), server.prompts());
            } else if (!existing.get().tools().equals(server.tools()) || !existing.get().resources().equals(server.resources())
                    || !existing.get().prompts().equals(server.prompts())) {
                repository.update(existing.get().id(), server.name(), existing.get().description(), server.tools(),
                        server.resources(), server.prompts());
            }
        }
        published = current();
        return published;
    }

    /** A server one of Forge's parts declares (the tool router's): the API may not take, change or delete it. */
    public void builtIn(String name, String owner) {
        builtIn.put(name, owner);
    }

    public boolean isBuiltIn(String name) {
        return builtIn.containsKey(name);
    }

    public void attach(Federation running) {
        this.federation = running;
    }

    /** The server name a path segment means: a name as it is, an id translated. */
    public String nameOf(String idOrName) {
        return namesById.getOrDefault(idOrName, idOrName);
    }

    /** Every stored server that cannot be served, by name, with why. */
    public Map<String, String> invalid() {
        Map<String, String> invalid = new java.util.LinkedHashMap<>();
        repository.list().stream().filter(r -> r.unreadable() != null).forEach(r -> invalid.put(r.name(), r.unreadable()));
        return invalid;
    }

    public List<ServerRecord> list() {
        return repository.list();
    }

    public ServerRecord get(String idOrName) {
        return repository.find(idOrName).or(() -> repository.findByName(idOrName))
                .orElseThrow(() -> new RegistryException(404, "No server '" + idOrName + "'"));
    }

    public ServerRecord create(JsonNode body) {
        Fields f = fields(body);
        refuseBuiltIn("body.name", f.name());
        try {
            ServerRecord created = repository.insert(f.name(), f.description(), f.tools(), f.resources(), f.prompts());
            publish();
            return created;
        } catch (DuplicateNameException e) {
            throw new RegistryException(409, e.getMessage());
        }
    }

    public ServerRecord update(String idOrName, JsonNode body) {
        ServerRecord current = get(idOrName);
        refuseBuiltIn("server", current.name());
        Fields f = fields(body);
        refuseBuiltIn("body.name", f.name());
        try {
            ServerRecord updated = repository.update(current.id(), f.name(), f.description(), f.tools(), f.resources(), f.prompts())
                    .orElseThrow(() -> new RegistryException(404, "No server '" + idOrName + "'"));
            publish();
            return updated;
        } catch (DuplicateNameException e) {
            throw new RegistryException(409, e.getMessage());
        }
    }

    public ServerRecord delete(String idOrName) {
        ServerRecord current = get(idOrName);
        refuseBuiltIn("server", current.name());
        repository.delete(current.id());
        publish();
        return current;
    }

    private void refuseBuiltIn(String field, String name) {
        String owner = builtIn.get(name);
        if (owner != null) {
            throw new RegistryException(409, field + ": '" + name + "' is built in (" + owner
                    + ") and set at every start (expected: another server)");
        }
    }

    private synchronized void publish() { // with reconcile: the newest reading is the one served
        List<VirtualServerConfig> servers = current();
        published = servers;
        if (federation != null) {
            federation.setServers(servers);
        }
    }

    /** Serves what is stored, when it differs from what was last served (changed on another replica). */
    public synchronized void reconcile() {
        List<VirtualServerConfig> servers = current();
        if (federation != null && !servers.equals(published)) {
            published = servers;
            federation.setServers(servers);
        }
    }

    private List<VirtualServerConfig> current() {
        List<VirtualServerConfig> servers = new ArrayList<>();
        Map<String, String> ids = new HashMap<>();
        for (ServerRecord r : repository.list()) {
            if (r.unreadable() != null) {
                continue; // named by invalid(); its endpoints answer as for no such server
            }
            servers.add(new VirtualServerConfig(r.name(), r.tools(), r.resources(), r.prompts()));
            ids.put(r.id(), r.name());
        }
        namesById = Map.copyOf(ids);
        return servers;
    }

    private record Fields(String name, String description, List<String> tools, List<String> resources, List<String> prompts) {}

    /** Our keys, or ContextForge's ({@code associated_tools}, …). */
    static void validate(JsonNode body) {
        fields(body);
    }

    private static Fields fields(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new RegistryException(422, "body: expected a JSON object describing the server");
        }
        String name = body.path("name").asString(null);
        if (name == null || !NAME.matcher(name).matches()) {
            throw new RegistryException(422, "body.name: '" + name + "' (expected: [a-z0-9-]+)");
        }
        return new Fields(name, body.path("description").asString(null), strings(body, "tools", "associated_tools"),
                strings(body, "resources", "associated_resources"), strings(body, "prompts", "associated_prompts"));
    }

    private static List<String> strings(JsonNode body, String key, String alias) {
        JsonNode list = body.has(key) ? body.get(key) : body.get(alias);
        List<String> values = new ArrayList<>();
        if (list == null || list.isNull()) {
            return values;
        }
        if (!list.isArray()) {
            throw new RegistryException(422, "body." + key + ": expected a list of names");
        }
        for (JsonNode v : list) {
            if (!v.isString()) {
                throw new RegistryException(422, "body." + key + ": expected names, got " + v);
            }
            values.add(v.asString());
        }
        return values;
    }
}

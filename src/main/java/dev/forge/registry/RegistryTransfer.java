package dev.forge.registry;

import dev.forge.config.MaskedUrl;
import dev.forge.protocol.Json;
import dev.forge.store.GatewayRecord;
import dev.forge.store.ServerRecord;
import dev.forge.store.ToolStateRepository;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The whole registry as one JSON document, and back. {@code GET /export}, {@code POST /import}, {@code forge export}
 * and {@code forge import} all use this.
 */
public final class RegistryTransfer {

    static final String MASK = "***";

    /** What to do when an imported name already exists. */
    public enum Conflict {
        SKIP, UPDATE, RENAME, FAIL;

        public static Conflict parse(String value) {
            try {
                return value == null ? SKIP : valueOf(value.trim().toUpperCase());
            } catch (IllegalArgumentException e) {
                throw new RegistryException(422, "conflict: '" + value + "' (expected: skip | update | rename | fail)");
            }
        }
    }

    private final GatewayRegistry gateways;
    private final ServerRegistry servers;
    private final ToolStateRepository toolStates;
    private final RestToolRegistry restTools;
    private final LocalItemRegistry localItems;
    private final Consumer<Set<String>> disabledToolsChanged;
    private final Clock clock;

    /** {@code disabledToolsChanged} hears the new set of disabled tools after an import (the catalog applies it). */
    public RegistryTransfer(GatewayRegistry gateways, ServerRegistry servers, ToolStateRepository toolStates,
                            RestToolRegistry restTools, LocalItemRegistry localItems,
                            Consumer<Set<String>> disabledToolsChanged, Clock clock) {
        this.restTools = restTools;
        this.localItems = localItems;
        this.gateways = gateways;
        this.servers = servers;
        this.toolStates = toolStates;
        this.disabledToolsChanged = disabledToolsChanged;
        this.clock = clock;
    }

    /** Secrets (header and environment values) are masked unless asked for. */
    public ObjectNode export(boolean includeSecrets) {
        ObjectNode doc = Json.object();
        doc.put("format", "forge-registry");
        doc.put("version", 1);
        doc.put("exported_at", clock.instant().toString());
        ArrayNode gatewayList = doc.putArray("gateways");
        for (GatewayRecord g : gateways.list()) {
            if (includeSecrets && g.unreadable() != null) { // its sealed text is no secret worth exporting
                throw new dev.forge.store.SecretsException(g.unreadable());
            }
            ObjectNode entry = includeSecrets ? g.spec().deepCopy() : masked(g.spec());
            entry.put("name", g.name());
            entry.put("enabled", g.enabled());
            gatewayList.add(entry);
        }
        ArrayNode serverList = doc.putArray("servers");
        for (ServerRecord s : servers.list()) {
            ObjectNode entry = serverList.addObject();
            entry.put("name", s.name());
            if (s.description() != null) {
                entry.put("description", s.description());
            }
            s.tools().forEach(entry.putArray("tools")::add);
            s.resources().forEach(entry.putArray("resources")::add);
            s.prompts().forEach(entry.putArray("prompts")::add);
        }
        ArrayNode rest = doc.putArray("rest_tools");
        for (var tool : restTools.list()) {
            rest.add(includeSecrets ? tool.spec().deepCopy() : masked(tool.spec()));
        }
        localItems.prompts().forEach(doc.putArray("prompts")::add);
        localItems.resources().forEach(doc.putArray("resources")::add);
        ArrayNode disabled = doc.putArray("disabled_tools");
        toolStates.disabled().stream().sorted().forEach(disabled::add);
        return doc;
    }

    /**
     * Imports a document. Everything is checked first; if anything is invalid (or, with {@link Conflict#FAIL}, any
     * name is taken) nothing is written. A dry run reports what would happen and writes nothing.
     */
    /** The part of Forge that owns a gateway name, or null if a gateway may take it. */
    public String reservedGatewayOwner(String name) {
        return gateways.reservedOwner(name);
    }

    public ObjectNode importDocument(JsonNode doc, Conflict conflict, boolean dryRun) {
        if (doc == null || !doc.isObject() || !"forge-registry".equals(doc.path("format").asString(""))) {
            throw new RegistryException(422, "body: expected a document from /export (format: forge-registry)");
        }
        ObjectNode report = Json.object();
        report.put("dry_run", dryRun);
        ArrayNode created = report.putArray("created");
        ArrayNode updated = report.putArray("updated");
        ArrayNode skipped = report.putArray("skipped");
        ObjectNode renamed = report.putObject("renamed");

        List<ObjectNode> gatewayItems = items(doc, "gateways");
        List<ObjectNode> serverItems = items(doc, "servers");
        Set<String> takenGateways = new HashSet<>();
        gateways.list().forEach(g -> takenGateways.add(g.name()));
        Set<String> takenServers = new HashSet<>();
        servers.list().forEach(s -> takenServers.add(s.name()));

        List<String> problems = new ArrayList<>();
        for (int i = 0; i < gatewayItems.size(); i++) {
            ObjectNode item = gatewayItems.get(i);
            String name = item.path("name").asString("");
            boolean exists = takenGateways.contains(name);
            if (exists && conflict == Conflict.FAIL) {
                problems.add("gateways[" + i + "]: a gateway named '" + name + "' already exists");
            }
            if (containsMask(item) && !(exists && conflict == Conflict.UPDATE)) {
                problems.add("gateways[" + i + "] (" + name + "): its secrets were masked on export; export with include_secrets=true");
            }
            try {
                if (exists && conflict == Conflict.UPDATE) {
                    gateways.validateUpdate(gateways.get(name), MaskedUpdate.unmasked(item, gateways.get(name)));
                } else {
                    gateways.validate(item);
                }
            } catch (RegistryException e) {
                problems.add("gateways[" + i + "]: " + e.getMessage());
            }
        }
        for (int i = 0; i < serverItems.size(); i++) {
            String name = serverItems.get(i).path("name").asString("");
            if (servers.isBuiltIn(name)) {
                continue; // skipped below: this process sets it at every start
            }
            if (takenServers.contains(name) && conflict == Conflict.FAIL) {
                problems.add("servers[" + i + "]: a server named '" + name + "' already exists");
            }
            try {
                ServerRegistry.validate(serverItems.get(i));
            } catch (RegistryException e) {
                problems.add("servers[" + i + "]: " + e.getMessage());
            }
        }
        Set<String> existingRest = new HashSet<>();
        restTools.list().forEach(t -> existingRest.add(t.name()));
        List<ObjectNode> restItems = items(doc, "rest_tools");
        for (int i = 0; i < restItems.size(); i++) {
            ObjectNode item = restItems.get(i);
            if (existingRest.contains(item.path("name").asString(""))) {
                continue;
            }
            if (containsMask(item)) {
                problems.add("rest_tools[" + i + "]: its secrets were masked on export; export with include_secrets=true");
            }
            try {
                dev.forge.upstream.RestTool.of(item);
            } catch (IllegalArgumentException e) {
                problems.add("rest_tools[" + i + "]: " + e.getMessage());
            }
        }
        Set<String> existingPrompts = new HashSet<>();
        localItems.prompts().forEach(p -> existingPrompts.add(p.path("name").asString()));
        Set<String> existingResources = new HashSet<>();
        localItems.resources().forEach(r -> existingResources.add(r.path("uri").asString()));
        List<ObjectNode> promptItems = items(doc, "prompts");
        List<ObjectNode> resourceItems = items(doc, "resources");
        for (int i = 0; i < promptItems.size(); i++) {
            try {
                LocalItemRegistry.validatePrompt(promptItems.get(i));
            } catch (RegistryException e) {
                problems.add("prompts[" + i + "]: " + e.getMessage());
            }
        }
        for (int i = 0; i < resourceItems.size(); i++) {
            try {
                LocalItemRegistry.validateResource(resourceItems.get(i));
            } catch (RegistryException e) {
                problems.add("resources[" + i + "]: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new RegistryException(conflict == Conflict.FAIL && problems.stream().allMatch(p -> p.contains("already exists")) ? 409 : 422,
                    String.join("; ", problems));
        }

        for (ObjectNode item : gatewayItems) {
            String name = item.get("name").asString();
            if (!takenGateways.contains(name)) {
                if (!dryRun) gateways.register(item);
                created.add("gateway " + name);
            } else if (conflict == Conflict.SKIP) {
                skipped.add("gateway " + name);
            } else if (conflict == Conflict.UPDATE) {
                if (!dryRun) gateways.update(name, MaskedUpdate.unmasked(item, gateways.get(name)));
                updated.add("gateway " + name);
            } else {
                String fresh = freeName(name, takenGateways);
                takenGateways.add(fresh);
                if (!dryRun) gateways.register(item.deepCopy().put("name", fresh));
                renamed.put("gateway " + name, fresh);
            }
        }
        for (ObjectNode item : serverItems) {
            String name = item.get("name").asString();
            if (servers.isBuiltIn(name)) {
                skipped.add("server " + name + " (built in)");
            } else if (!takenServers.contains(name)) {
                if (!dryRun) servers.create(item);
                created.add("server " + name);
            } else if (conflict == Conflict.SKIP) {
                skipped.add("server " + name);
            } else if (conflict == Conflict.UPDATE) {
                if (!dryRun) servers.update(name, item);
                updated.add("server " + name);
            } else {
                String fresh = freeName(name, takenServers);
                takenServers.add(fresh);
                if (!dryRun) servers.create(item.deepCopy().put("name", fresh));
                renamed.put("server " + name, fresh);
            }
        }
        for (ObjectNode item : restItems) {
            String name = item.path("name").asString("");
            if (existingRest.contains(name)) {
                skipped.add("rest tool " + name);
            } else {
                if (!dryRun) restTools.create(item);
                created.add("rest tool " + name);
            }
        }
        for (ObjectNode item : promptItems) {
            String name = item.path("name").asString();
            if (existingPrompts.contains(name)) {
                skipped.add("prompt " + name);
            } else {
                if (!dryRun) localItems.createPrompt(item);
                created.add("prompt " + name);
            }
        }
        for (ObjectNode item : resourceItems) {
            String uri = item.path("uri").asString();
            if (existingResources.contains(uri)) {
                skipped.add("resource " + uri);
            } else {
                if (!dryRun) localItems.createResource(item);
                created.add("resource " + uri);
            }
        }
        JsonNode disabledTools = doc.get("disabled_tools");
        if (disabledTools != null && disabledTools.isArray()) {
            if (!dryRun) {
                disabledTools.forEach(t -> toolStates.set(t.asString(), false));
                disabledToolsChanged.accept(toolStates.disabled());
            }
            report.put("disabled_tools", disabledTools.size());
        }
        return report;
    }

    private static List<ObjectNode> items(JsonNode doc, String key) {
        List<ObjectNode> items = new ArrayList<>();
        JsonNode list = doc.get(key);
        if (list == null || list.isNull()) {
            return items;
        }
        if (!list.isArray()) {
            throw new RegistryException(422, key + ": expected a list");
        }
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof ObjectNode o)) {
                throw new RegistryException(422, key + "[" + i + "]: expected an object");
            }
            items.add(o);
        }
        return items;
    }

    private static String freeName(String name, Set<String> taken) {
        for (int n = 2; ; n++) {
            String candidate = name + "-" + n;
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
    }

    /**
     * A gateway's spec with header and environment values hidden, and a URL's password and query values, as API
     * responses and exports show it.
     */
    public static ObjectNode masked(ObjectNode spec) {
        ObjectNode copy = spec.deepCopy();
        for (String secretive : new String[] {"headers", "env"}) {
            if (copy.get(secretive) instanceof ObjectNode values) {
                values.propertyNames().forEach(k -> values.put(k, MASK));
            }
        }
        if (copy.get("url") != null && copy.get("url").isString()) {
            copy.put("url", MaskedUrl.of(copy.get("url").asString()));
        }
        return copy;
    }

    private static boolean containsMask(ObjectNode item) {
        for (String secretive : new String[] {"headers", "env"}) {
            if (item.get(secretive) instanceof ObjectNode values && values.valueStream().anyMatch(v -> MASK.equals(v.asString(null)))) {
                return true;
            }
        }
        return item.path("url").asString("").contains(MASK);
    }
}

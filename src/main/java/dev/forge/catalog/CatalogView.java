package dev.forge.catalog;

import dev.forge.upstream.Upstream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * What one MCP endpoint shows: its lists (names as that endpoint exposes them) and where each name routes.
 * Immutable; lookups on the hot path are map reads.
 */
public final class CatalogView {

    record TemplateRoute(UriTemplate template, Upstream upstream) {}

    private final List<ObjectNode> tools;
    private final Map<String, Route> toolRoutes;
    private final List<ObjectNode> prompts;
    private final Map<String, Route> promptRoutes;
    private final List<ObjectNode> resources;
    private final Map<String, Upstream> resourceOwners;
    private final List<ObjectNode> templates;
    private final List<TemplateRoute> templateRoutes;
    private final Set<Upstream> upstreams;

    CatalogView(List<ObjectNode> tools, Map<String, Route> toolRoutes, List<ObjectNode> prompts,
                Map<String, Route> promptRoutes, List<ObjectNode> resources, Map<String, Upstream> resourceOwners,
                List<ObjectNode> templates, List<TemplateRoute> templateRoutes, Set<Upstream> upstreams) {
        this.tools = List.copyOf(tools);
        this.toolRoutes = Map.copyOf(toolRoutes);
        this.prompts = List.copyOf(prompts);
        this.promptRoutes = Map.copyOf(promptRoutes);
        this.resources = List.copyOf(resources);
        this.resourceOwners = Map.copyOf(resourceOwners);
        this.templates = List.copyOf(templates);
        this.templateRoutes = List.copyOf(templateRoutes);
        this.upstreams = Set.copyOf(upstreams);
    }

    public List<ObjectNode> tools() {
        return tools;
    }

    public List<ObjectNode> prompts() {
        return prompts;
    }

    public List<ObjectNode> resources() {
        return resources;
    }

    public List<ObjectNode> resourceTemplates() {
        return templates;
    }

    /** The upstreams this view draws on. */
    public Set<Upstream> upstreams() {
        return upstreams;
    }

    public Route tool(String name) {
        return toolRoutes.get(name);
    }

    public Route prompt(String name) {
        return promptRoutes.get(name);
    }

    /** The upstream that owns a resource URI: listed exactly, else matched by a template, else null. */
    public Upstream resourceOwner(String uri) {
        Upstream owner = resourceOwners.get(uri);
        if (owner != null) {
            return owner;
        }
        for (TemplateRoute route : templateRoutes) {
            if (route.template().matches(uri)) {
                return route.upstream();
            }
        }
        return null;
    }
}

package dev.forge.catalog;

import dev.forge.config.VirtualServerConfig;
import dev.forge.upstream.Upstream;
import dev.forge.upstream.UpstreamLists;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds a {@link Catalog} from the upstreams' current lists. Names are namespaced {@code upstream + separator +
 * name}; a name or resource URI claimed twice is refused for the later upstream and reported, never merged silently.
 */
public final class CatalogBuilder {

    private final String separator;
    private final List<VirtualServerConfig> servers;
    private final Set<String> disabledTools;

    public CatalogBuilder(String separator, List<VirtualServerConfig> servers) {
        this(separator, servers, Set.of());
    }

    /** {@code disabledTools}: namespaced names an operator switched off; no endpoint shows or routes them. */
    public CatalogBuilder(String separator, List<VirtualServerConfig> servers, Set<String> disabledTools) {
        this.separator = separator;
        this.servers = List.copyOf(servers);
        this.disabledTools = Set.copyOf(disabledTools);
    }

    CatalogBuilder withServers(List<VirtualServerConfig> next) {
        return new CatalogBuilder(separator, next, disabledTools);
    }

    CatalogBuilder withDisabledTools(Set<String> next) {
        return new CatalogBuilder(separator, servers, next);
    }

    Set<String> disabledTools() {
        return disabledTools;
    }

    public Catalog build(List<Upstream> upstreams, long generation) {
        List<String> problems = new ArrayList<>();
        Map<String, CatalogView> views = new HashMap<>();
        List<Upstream> ready = upstreams.stream().filter(u -> u.state().serves()).toList();
        ViewParts all = new ViewParts(disabledTools, "");
        for (Upstream upstream : ready) {
            all.add(upstream, upstream.name() + separator, problems);
        }
        views.put(Catalog.ALL, all.view());
        for (Upstream upstream : upstreams) {
            ViewParts single = new ViewParts(disabledTools, upstream.name() + separator);
            if (upstream.state().serves()) {
                single.add(upstream, "", new ArrayList<>());
            }
            views.put(Catalog.gatewayScope(upstream.name()), single.view());
        }
        for (VirtualServerConfig server : servers) {
            views.put(Catalog.serverScope(server.name()), all.subset(server, problems));
        }
        return new Catalog(views, problems, generation, all.disabled);
    }

    /** The mutable parts of one view while it is being assembled. */
    private static final class ViewParts {
        final Set<String> disabledTools;
        /** What the federated name of an item is, given its name in this view ("" when the view is prefixed). */
        final String federatedPrefix;
        final List<ObjectNode> disabled = new ArrayList<>();

        ViewParts(Set<String> disabledTools, String federatedPrefix) {
            this.disabledTools = disabledTools;
            this.federatedPrefix = federatedPrefix;
        }

        final List<ObjectNode> tools = new ArrayList<>();
        final Map<String, Route> toolRoutes = new LinkedHashMap<>();
        final List<ObjectNode> prompts = new ArrayList<>();
        final Map<String, Route> promptRoutes = new LinkedHashMap<>();
        final List<ObjectNode> resources = new ArrayList<>();
        final Map<String, Upstream> resourceOwners = new LinkedHashMap<>();
        final List<ObjectNode> templates = new ArrayList<>();
        final List<CatalogView.TemplateRoute> templateRoutes = new ArrayList<>();
        final Set<Upstream> upstreams = new HashSet<>();
        final Map<String, Upstream> templateOwners = new HashMap<>();

        void add(Upstream upstream, String prefix, List<String> problems) {
            UpstreamLists lists = upstream.lists();
            upstreams.add(upstream);
            for (ObjectNode tool : lists.tools()) {
                String exposed = prefix + tool.get("name").asString();
                if (disabledTools.contains(federatedPrefix + exposed)) {
                    ObjectNode off = tool.deepCopy();
                    off.put("name", federatedPrefix + exposed);
                    disabled.add(off);
                    continue;
                }
                addNamed(upstream, prefix, tool, "tool", tools, toolRoutes, problems);
            }
            for (ObjectNode prompt : lists.prompts()) {
                addNamed(upstream, prefix, prompt, "prompt", prompts, promptRoutes, problems);
            }
            for (ObjectNode resource : lists.resources()) {
                String uri = resource.get("uri").asString();
                Upstream owner = resourceOwners.putIfAbsent(uri, upstream);
                if (owner != null) {
                    problems.add("resource '" + uri + "' of upstream '" + upstream.name()
                            + "' collides with upstream '" + owner.name() + "'; only the latter serves it");
                } else {
                    resources.add(resource);
                }
            }
            for (ObjectNode template : lists.resourceTemplates()) {
                String uriTemplate = template.get("uriTemplate").asString();
                Upstream owner = templateOwners.putIfAbsent(uriTemplate, upstream);
                if (owner != null) {
                    problems.add("resource template '" + uriTemplate + "' of upstream '" + upstream.name()
                            + "' collides with upstream '" + owner.name() + "'; only the latter serves it");
                } else {
                    templates.add(template);
                    templateRoutes.add(new CatalogView.TemplateRoute(new UriTemplate(uriTemplate), upstream));
                }
            }
        }

        private static void addNamed(Upstream upstream, String prefix, ObjectNode item, String kind,
                                     List<ObjectNode> list, Map<String, Route> routes, List<String> problems) {
            String original = item.get("name").asString();
            String exposed = prefix + original;
            Route route = new Route(upstream, original);
            Route existing = routes.putIfAbsent(exposed, route);
            if (existing != null) {
                problems.add(kind + " '" + exposed + "' of upstream '" + upstream.name() + "' collides with upstream '"
                        + existing.upstream().name() + "'; only the latter serves it");
                return;
            }
            if (prefix.isEmpty()) {
                list.add(item);
            } else {
                ObjectNode renamed = item.deepCopy();
                renamed.put("name", exposed);
                list.add(renamed);
            }
        }

        /** A virtual server's view: the named tools, prompts and resources of this (prefixed) view. */
        CatalogView subset(VirtualServerConfig server, List<String> problems) {
            ViewParts parts = new ViewParts(Set.of(), "");
            pick(server, "tool", server.tools(), tools, toolRoutes, parts.tools, parts.toolRoutes, parts.upstreams, problems);
            pick(server, "prompt", server.prompts(), prompts, promptRoutes, parts.prompts, parts.promptRoutes, parts.upstreams, problems);
            for (String uri : server.resources()) {
                Upstream owner = resourceOwners.get(uri);
                if (owner == null) {
                    problems.add("server '" + server.name() + "': resource '" + uri + "' is not in the catalog");
                    continue;
                }
                parts.resourceOwners.put(uri, owner);
                parts.upstreams.add(owner);
                resources.stream().filter(r -> r.get("uri").asString().equals(uri)).findFirst().ifPresent(parts.resources::add);
            }
            return parts.view();
        }

        private static void pick(VirtualServerConfig server, String kind, List<String> names, List<ObjectNode> from,
                                 Map<String, Route> fromRoutes, List<ObjectNode> to, Map<String, Route> toRoutes,
                                 Set<Upstream> upstreams, List<String> problems) {
            Set<String> wanted = new HashSet<>(names);
            for (ObjectNode item : from) {
                String name = item.get("name").asString();
                if (wanted.remove(name)) {
                    to.add(item);
                    Route route = fromRoutes.get(name);
                    toRoutes.put(name, route);
                    upstreams.add(route.upstream());
                }
            }
            wanted.forEach(name -> problems.add("server '" + server.name() + "': " + kind + " '" + name + "' is not in the catalog"));
        }

        CatalogView view() {
            return new CatalogView(tools, toolRoutes, prompts, promptRoutes, resources, resourceOwners, templates,
                    templateRoutes, upstreams);
        }
    }
}

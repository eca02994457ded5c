package dev.forge.catalog;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * An immutable snapshot of everything federated, with one {@link CatalogView} per endpoint, rebuilt off the hot
 * path and swapped atomically. {@code problems} lists what was refused while building (collisions, unknown names).
 */
public record Catalog(Map<String, CatalogView> views, List<String> problems, long generation, List<ObjectNode> disabledTools) {

    /** The endpoint that shows every upstream, names prefixed. */
    public static final String ALL = "all";

    public Catalog {
        views = Map.copyOf(views);
        problems = List.copyOf(problems);
        disabledTools = List.copyOf(disabledTools);
    }

    public static String gatewayScope(String upstream) {
        return "gateway/" + upstream;
    }

    public static String serverScope(String server) {
        return "server/" + server;
    }

    /** The view of an endpoint, or null if there is no such endpoint. */
    public CatalogView view(String scope) {
        return views.get(scope);
    }
}

package dev.forge.dispatch;

import dev.forge.catalog.Catalog;
import dev.forge.catalog.CatalogView;
import dev.forge.catalog.Route;

/**
 * Where a {@code tools/call} goes, resolved once from one catalog snapshot and carried to every stage, so the audit
 * line, the access check and the dispatcher agree on the upstream even if the catalog is swapped meanwhile.
 *
 * @param requested  the name the client asked for, or null
 * @param scope      the catalog scope it was resolved in
 * @param view       that scope's view, or null when the endpoint no longer exists
 * @param route      the owning upstream and its name there, or null when the view has no such tool
 * @param namespaced the tool's name in the all-upstreams view, or null with no route
 */
public record ToolRoute(String requested, String scope, CatalogView view, Route route, String namespaced) {

    /** For requests that are not {@code tools/call}: nothing to route by name. */
    public static final ToolRoute NONE = new ToolRoute(null, null, null, null, null);

    static ToolRoute resolve(Catalog catalog, String scope, String name, String separator) {
        CatalogView view = catalog.view(scope);
        Route route = view == null || name == null ? null : view.tool(name);
        return new ToolRoute(name, scope, view, route,
                route == null ? null : route.upstream().name() + separator + route.upstreamName());
    }

    /** The owning upstream's name, or "" when the tool is unknown. */
    public String upstream() {
        return route == null ? "" : route.upstream().name();
    }

    /** The tool as the all-upstreams view names it, else as requested ("" for none): what the audit line records. */
    public String qualified() {
        return route != null ? namespaced : requested == null ? "" : requested;
    }
}

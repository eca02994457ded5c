package dev.forge.api;

import dev.forge.catalog.Catalog;
import dev.forge.catalog.CatalogView;
import dev.forge.catalog.Federation;
import dev.forge.catalog.Route;
import dev.forge.protocol.Json;
import dev.forge.registry.RegistryException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Read-only views of the federated catalog: {@code /tools}, {@code /resources}, {@code /prompts}. */
public final class CatalogApi {

    private final Federation federation;

    public CatalogApi(Federation federation) {
        this.federation = federation;
    }

    public void routes(RoutesConfig routes) {
        routes.get("/tools", AdminApi.admin(ctx -> AdminApi.json(ctx, 200, list(ctx, CatalogView::tools))));
        routes.get("/tools/{name}", AdminApi.admin(ctx -> AdminApi.json(ctx, 200,
                find(view().tools(), "name", ctx.pathParam("name"), "tool"))));
        routes.get("/resources", AdminApi.admin(ctx -> AdminApi.json(ctx, 200, list(ctx, CatalogView::resources))));
        routes.get("/prompts", AdminApi.admin(ctx -> AdminApi.json(ctx, 200, list(ctx, CatalogView::prompts))));
        routes.get("/prompts/{name}", AdminApi.admin(ctx -> AdminApi.json(ctx, 200,
                find(view().prompts(), "name", ctx.pathParam("name"), "prompt"))));
    }

    private CatalogView view() {
        return federation.catalog().view(Catalog.ALL);
    }

    /** Every item, each with the upstream that owns it; {@code ?gateway=} keeps one upstream's. */
    private ArrayNode list(Context ctx, Function<CatalogView, List<ObjectNode>> items) {
        String gateway = ctx.queryParam("gateway");
        CatalogView view = view();
        ArrayNode result = Json.array();
        for (ObjectNode item : items.apply(view)) {
            String owner = ownerOf(view, item);
            if (gateway == null || gateway.equals(owner)) {
                ObjectNode shown = item.deepCopy();
                if (owner != null) {
                    shown.put("gateway", owner);
                }
                result.add(shown);
            }
        }
        return result;
    }

    private static String ownerOf(CatalogView view, ObjectNode item) {
        if (item.has("uri")) {
            var owner = view.resourceOwner(item.get("uri").asString());
            return owner == null ? null : owner.name();
        }
        String name = item.path("name").asString("");
        Route route = view.tool(name) != null ? view.tool(name) : view.prompt(name);
        return route == null ? null : route.upstream().name();
    }

    private static ObjectNode find(List<ObjectNode> items, String key, String value, String kind) {
        return items.stream().filter(i -> value.equals(i.path(key).asString(null))).findFirst()
                .orElseThrow(() -> new RegistryException(404, "No " + kind + " '" + value + "'"));
    }
}

package dev.forge.api;

import dev.forge.catalog.Catalog;
import dev.forge.catalog.CatalogView;
import dev.forge.catalog.Federation;
import dev.forge.catalog.Route;
import dev.forge.protocol.Json;
import dev.forge.registry.RegistryException;
import dev.forge.store.ToolStateRepository;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Read-only views of the federated catalog: {@code /tools}, {@code /resources}, {@code /prompts}. */
public final class CatalogApi {

    private final Federation federation;
    private final ToolSwitch toolSwitch;

    public CatalogApi(Federation federation, ToolStateRepository toolStates) {
        this.federation = federation;
        this.toolSwitch = new ToolSwitch(federation, toolStates);
    }

    public void routes(RoutesConfig routes) {
        routes.get("/tools", AdminApi.admin(ctx -> {
            ArrayNode tools = list(ctx, CatalogView::tools);
            tools.forEach(t -> ((ObjectNode) t).put("enabled", true));
            String gateway = ctx.queryParam("gateway");
            boolean wantDisabled = !"true".equals(ctx.queryParam("enabled_only"));
            if (wantDisabled) {
                for (ObjectNode off : federation.catalog().disabledTools()) {
                    String owner = off.path("name").asString("").split(java.util.regex.Pattern.quote(separator()), 2)[0];
                    if (gateway == null || gateway.equals(owner)) {
                        tools.add(off.deepCopy().put("gateway", owner).put("enabled", false));
                    }
                }
            }
            String tag = ctx.queryParam("tag");
            String enabled = ctx.queryParam("enabled");
            ArrayNode filtered = Json.array();
            for (var tool : tools) {
                boolean tagged = tag == null || tool.path("tags").valueStream().anyMatch(t -> tag.equals(t.asString(null)));
                boolean state = enabled == null || tool.path("enabled").asBoolean() == Boolean.parseBoolean(enabled);
                if (tagged && state) {
                    filtered.add(tool);
                }
            }
            AdminApi.json(ctx, 200, filtered);
        }));
        routes.get("/tools/{name}", AdminApi.admin(ctx -> AdminApi.json(ctx, 200,
                find(view().tools(), "name", ctx.pathParam("name"), "tool"))));
        routes.post("/tools/{name}/state", AdminApi.admin(ctx -> AdminApi.json(ctx, 200, setState(ctx))));
        routes.post("/tools/{name}/toggle", AdminApi.admin(ctx -> AdminApi.json(ctx, 200, setState(ctx))));
        routes.get("/resources", AdminApi.admin(ctx -> AdminApi.json(ctx, 200, list(ctx, CatalogView::resources))));
        routes.get("/prompts", AdminApi.admin(ctx -> AdminApi.json(ctx, 200, list(ctx, CatalogView::prompts))));
        routes.get("/prompts/{name}", AdminApi.admin(ctx -> AdminApi.json(ctx, 200,
                find(view().prompts(), "name", ctx.pathParam("name"), "prompt"))));
    }

    /**
     * Enables or disables a tool everywhere at once (clients hear {@code list_changed}); kept across restarts.
     * {@code ?activate=true|false} as ContextForge has it, or a body {@code {"activate": …}}.
     */
    private ObjectNode setState(Context ctx) {
        String name = ctx.pathParam("name");
        toolSwitch.requireKnown(name);
        boolean enabled = GatewaysApi.activate(ctx);
        toolSwitch.set(name, enabled);
        return Json.object().put("name", name).put("enabled", enabled);
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

    private String separator() {
        return federation.separator();
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

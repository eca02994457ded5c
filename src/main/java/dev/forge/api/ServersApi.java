package dev.forge.api;

import dev.forge.catalog.Catalog;
import dev.forge.catalog.CatalogView;
import dev.forge.catalog.Federation;
import dev.forge.protocol.Json;
import dev.forge.registry.ServerRegistry;
import dev.forge.store.ServerRecord;
import io.javalin.config.RoutesConfig;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code /servers}: virtual servers — named subsets of the catalog with MCP endpoints of their own. */
public final class ServersApi {

    private final ServerRegistry registry;
    private final Federation federation;

    public ServersApi(ServerRegistry registry, Federation federation) {
        this.registry = registry;
        this.federation = federation;
    }

    public void routes(RoutesConfig routes) {
        routes.get("/servers", AdminApi.admin(ctx -> {
            ArrayNode list = Json.array();
            registry.list().forEach(r -> list.add(view(r)));
            AdminApi.json(ctx, 200, list);
        }));
        routes.post("/servers", AdminApi.admin(ctx -> AdminApi.json(ctx, 201, view(registry.create(AdminApi.body(ctx))))));
        routes.get("/servers/{id}", AdminApi.admin(ctx -> AdminApi.json(ctx, 200, view(registry.get(ctx.pathParam("id"))))));
        routes.put("/servers/{id}", AdminApi.admin(ctx -> AdminApi.json(ctx, 200,
                view(registry.update(ctx.pathParam("id"), AdminApi.body(ctx))))));
        routes.delete("/servers/{id}", AdminApi.admin(ctx -> {
            ServerRecord gone = registry.delete(ctx.pathParam("id"));
            AdminApi.json(ctx, 200, Json.object().put("deleted", gone.id()).put("name", gone.name()));
        }));
        routes.get("/servers/{id}/tools", AdminApi.admin(ctx -> AdminApi.json(ctx, 200, members(ctx.pathParam("id"), CatalogView::tools))));
        routes.get("/servers/{id}/resources", AdminApi.admin(ctx -> AdminApi.json(ctx, 200, members(ctx.pathParam("id"), CatalogView::resources))));
        routes.get("/servers/{id}/prompts", AdminApi.admin(ctx -> AdminApi.json(ctx, 200, members(ctx.pathParam("id"), CatalogView::prompts))));
    }

    private ArrayNode members(String idOrName, Function<CatalogView, List<ObjectNode>> list) {
        ServerRecord server = registry.get(idOrName);
        CatalogView view = federation.catalog().view(Catalog.serverScope(server.name()));
        ArrayNode items = Json.array();
        if (view != null) {
            list.apply(view).forEach(items::add);
        }
        return items;
    }

    private ObjectNode view(ServerRecord record) {
        ObjectNode view = Json.object();
        view.put("id", record.id());
        view.put("name", record.name());
        if (record.description() != null) {
            view.put("description", record.description());
        }
        if (record.unreadable() != null) {
            view.put("status", "invalid").put("error", record.unreadable());
        }
        record.tools().forEach(view.putArray("tools")::add);
        record.resources().forEach(view.putArray("resources")::add);
        record.prompts().forEach(view.putArray("prompts")::add);
        view.put("mcp_url", "/servers/" + record.id() + "/mcp");
        view.put("sse_url", "/servers/" + record.id() + "/sse");
        CatalogView served = federation.catalog().view(Catalog.serverScope(record.name()));
        ArrayNode missing = view.putArray("missing");
        if (served != null) {
            record.tools().stream().filter(t -> served.tool(t) == null).forEach(missing::add);
        }
        view.put("created_at", record.createdAt().toString());
        view.put("updated_at", record.updatedAt().toString());
        return view;
    }
}

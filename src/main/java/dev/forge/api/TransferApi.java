package dev.forge.api;

import dev.forge.registry.RegistryTransfer;
import io.javalin.config.RoutesConfig;

/** {@code GET /export} and {@code POST /import}: the whole registry as one JSON document. */
public final class TransferApi {

    private final RegistryTransfer transfer;

    public TransferApi(RegistryTransfer transfer) {
        this.transfer = transfer;
    }

    public void routes(RoutesConfig routes) {
        routes.get("/export", AdminApi.admin(ctx -> AdminApi.json(ctx, 200,
                transfer.export(Boolean.parseBoolean(ctx.queryParam("include_secrets"))))));
        routes.post("/import", AdminApi.admin(ctx -> AdminApi.json(ctx, 200, transfer.importDocument(AdminApi.body(ctx),
                RegistryTransfer.Conflict.parse(ctx.queryParam("conflict")), Boolean.parseBoolean(ctx.queryParam("dry_run"))))));
    }
}

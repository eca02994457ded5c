package dev.forge.admin;

import dev.forge.auth.Principal;
import dev.forge.auth.TokenService;
import dev.forge.config.ConfigException;
import dev.forge.config.Durations;
import dev.forge.registry.RegistryException;
import dev.forge.store.TokenRecord;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * API tokens: create one (its value shown once, on the answer to the form, with a copy button; never again), list
 * them with what each may do, revoke. The same service as {@code /tokens}, so the same rules and audit lines.
 */
public final class TokensSection {

    /** A token as the list shows it: never its value, which is not kept. */
    public record TokenRow(String id, String name, String subject, String role, String scopes, String created, String expires,
                    boolean revoked) {}

    private final Console console;
    private final TokenService tokens;
    private final RegistryChanges changes;

    TokensSection(Console console, TokenService tokens, RegistryChanges changes) {
        this.changes = changes;
        this.console = console;
        this.tokens = tokens;
    }

    void routes(RoutesConfig routes) {
        routes.get("/admin/tokens", ctx -> show(ctx, 200, console.page(ctx, "Tokens", "tokens"), null));
        routes.post("/admin/tokens", console.changing(this::create));
        routes.post("/admin/tokens/{id}/revoke", console.changing(ctx -> {
            try {
                TokenRecord revoked = tokens.revoke(ctx.pathParam("id"), Principal.of(ctx).subject());
                changes.record(ctx, "DELETE", "/tokens/" + revoked.id(), 200);
                Console.redirect(ctx, "/admin/tokens", "Revoked the token '" + revoked.name() + "'.");
            } catch (RegistryException e) {
                changes.record(ctx, "DELETE", "/tokens/" + ctx.pathParam("id"), e.status());
                show(ctx, e.status(), console.page(ctx, "Tokens", "tokens").withError(e.getMessage()), null);
            }
        }));
    }

    private void create(Context ctx) {
        Page page = console.page(ctx, "Tokens", "tokens");
        try {
            List<String> scopes = new ArrayList<>();
            String scopeText = ctx.formParam("scopes");
            if (scopeText != null) {
                for (String scope : scopeText.trim().split("[\\s,]+")) {
                    if (!scope.isEmpty()) {
                        scopes.add(scope);
                    }
                }
            }
            String expires = ctx.formParam("expires");
            TokenService.Issued issued = tokens.issue(new TokenService.Request(ctx.formParam("name"), ctx.formParam("subject"),
                    ctx.formParam("role"), scopes, expires == null || expires.isBlank() ? null : Durations.parse("expires", expires)),
                    Principal.of(ctx));
            changes.record(ctx, "POST", "/tokens", 201);
            show(ctx, 201, page.withNotice("Created the token '" + issued.record().name() + "'. Copy it now: it is not"
                    + " shown again."), issued.token());
        } catch (RegistryException | ConfigException e) {
            int status = e instanceof RegistryException r ? r.status() : 422;
            changes.record(ctx, "POST", "/tokens", status);
            show(ctx, status, page.withError(e.getMessage()), null);
        }
    }

    /** The list; {@code created}: the value of the token just made, shown this once. */
    private void show(Context ctx, int status, Page page, String created) {
        Map<String, Object> params = new HashMap<>();
        params.put("page", page);
        params.put("tokens", tokens.list().stream().map(TokensSection::row).toList());
        params.put("created", created);
        console.render(ctx, status, "tokens.jte", params);
    }

    private static TokenRow row(TokenRecord t) {
        return new TokenRow(t.id(), t.name(), t.subject(), t.role(), String.join(" ", t.scopes()), Console.when(t.createdAt()),
                t.expiresAt() == null ? "never" : Console.when(t.expiresAt()), t.revokedAt() != null);
    }
}

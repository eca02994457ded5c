package dev.forge.api;

import dev.forge.auth.Principal;
import dev.forge.auth.TokenService;
import dev.forge.config.ConfigException;
import dev.forge.config.Durations;
import dev.forge.protocol.Json;
import dev.forge.registry.RegistryException;
import dev.forge.store.TokenRecord;
import io.javalin.config.RoutesConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /tokens}: API tokens for machines. The token is in the answer to {@code POST /tokens} and nowhere else,
 * ever; listing shows what each token may do and whether it was revoked. {@code DELETE} revokes.
 */
public final class TokensApi {

    private final TokenService tokens;

    public TokensApi(TokenService tokens) {
        this.tokens = tokens;
    }

    public void routes(RoutesConfig routes) {
        routes.post("/tokens", AdminApi.admin(ctx -> {
            TokenService.Issued issued = tokens.issue(request(AdminApi.body(ctx)), Principal.of(ctx));
            ObjectNode body = view(issued.record());
            body.put("token", issued.token());
            AdminApi.json(ctx, 201, body);
        }));
        routes.get("/tokens", AdminApi.admin(ctx -> {
            ArrayNode list = Json.array();
            tokens.list().forEach(t -> list.add(view(t)));
            AdminApi.json(ctx, 200, list);
        }));
        routes.get("/tokens/{id}", AdminApi.admin(ctx -> AdminApi.json(ctx, 200, view(tokens.find(ctx.pathParam("id"))))));
        routes.delete("/tokens/{id}", AdminApi.admin(ctx ->
                AdminApi.json(ctx, 200, view(tokens.revoke(ctx.pathParam("id"), Principal.of(ctx).subject())))));
        routes.post("/tokens/revocations", AdminApi.admin(ctx -> {
            JsonNode body = AdminApi.body(ctx);
            String jti = body.path("jti").asString(null);
            Instant expires = instant("expires_at", body.path("expires_at").asString(null));
            tokens.revokeId(jti, expires, Principal.of(ctx).subject());
            AdminApi.json(ctx, 201, Json.object().put("revoked", jti));
        }));
    }

    /** Accepts {@code sub} or {@code subject}, {@code scopes} as a list or {@code scope} as a string, {@code tools}. */
    static TokenService.Request request(JsonNode body) {
        if (!body.isObject()) {
            throw new RegistryException(422, "body: expected a JSON object");
        }
        List<String> scopes = new ArrayList<>();
        if (body.path("scopes").isArray()) {
            strings(body, "scopes").forEach(scopes::add);
        } else if (body.path("scope").isString()) {
            for (String s : body.get("scope").asString().trim().split("\\s+")) {
                if (!s.isEmpty()) scopes.add(s);
            }
        }
        strings(body, "tools").forEach(t -> scopes.add("tool:" + t));
        String subject = body.path("sub").asString(body.path("subject").asString(null));
        return new TokenService.Request(body.path("name").asString(null), subject, body.path("role").asString(null),
                scopes, lifetime(body.path("expires").asString(null)));
    }

    /** The strings of a list field; anything else in it is the client's mistake, not a server error. */
    private static List<String> strings(JsonNode body, String field) {
        List<String> values = new ArrayList<>();
        JsonNode list = body.path(field);
        if (list.isMissingNode() || list.isNull()) {
            return values;
        }
        if (!list.isArray()) {
            throw new RegistryException(422, field + ": " + list + " (expected: a list of strings)");
        }
        for (int i = 0; i < list.size(); i++) {
            if (!list.get(i).isString()) {
                throw new RegistryException(422, field + "[" + i + "]: " + list.get(i) + " (expected: a string)");
            }
            values.add(list.get(i).asString());
        }
        return values;
    }

    static Duration lifetime(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Durations.parse("expires", text);
        } catch (ConfigException e) {
            throw new RegistryException(422, e.getMessage());
        }
    }

    private static Instant instant(String field, String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new RegistryException(422, field + ": '" + text + "' (expected: an ISO-8601 instant such as 2026-12-31T00:00:00Z)");
        }
    }

    static ObjectNode view(TokenRecord t) {
        ObjectNode view = Json.object();
        view.put("id", t.id()).put("name", t.name()).put("subject", t.subject()).put("role", t.role());
        ArrayNode scopes = view.putArray("scopes");
        t.scopes().forEach(scopes::add);
        view.put("created_by", t.createdBy()).put("created_at", t.createdAt().toString())
                .put("expires_at", t.expiresAt().toString());
        if (t.revokedAt() != null) {
            view.put("revoked_at", t.revokedAt().toString());
        }
        return view;
    }
}

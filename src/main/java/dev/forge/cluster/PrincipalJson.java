package dev.forge.cluster;

import dev.forge.auth.Principal;
import dev.forge.auth.Role;
import dev.forge.protocol.Json;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A session's principal as the replicas store it: what the token granted, never the token itself. */
final class PrincipalJson {

    private PrincipalJson() {}

    static ObjectNode of(Principal principal) {
        ObjectNode node = Json.object();
        node.put("subject", principal.subject());
        node.put("role", principal.role().name());
        principal.scopes().forEach(node.putArray("scopes")::add);
        principal.tools().forEach(node.putArray("tools")::add);
        if (principal.tokenId() != null) {
            node.put("tokenId", principal.tokenId());
        }
        if (principal.expiresAt() != null) {
            node.put("expiresAt", principal.expiresAt().toString());
        }
        node.put("authenticated", principal.authenticated());
        return node;
    }

    static Principal parse(JsonNode node) {
        return new Principal(node.path("subject").asString(), Role.valueOf(node.path("role").asString()), strings(node.path("scopes")),
                strings(node.path("tools")), node.path("tokenId").asString(null),
                node.hasNonNull("expiresAt") ? Instant.parse(node.get("expiresAt").asString()) : null,
                node.path("authenticated").asBoolean(false));
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> values = new LinkedHashSet<>();
        array.forEach(v -> values.add(v.asString()));
        return values;
    }
}

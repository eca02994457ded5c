package dev.forge.auth;

import io.javalin.http.Context;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Who is calling and what they may do, decided once per token. {@code tools} empty means every tool the endpoint
 * shows; otherwise only those namespaced names.
 *
 * @param authenticated false for {@link #LOCAL}: no token was asked for (loopback without keys, or auth turned off)
 */
public record Principal(String subject, Role role, Set<String> scopes, Set<String> tools, String tokenId,
                        Instant expiresAt, boolean authenticated) {

    /** The request attribute under which the guard leaves the principal for handlers. */
    static final String ATTRIBUTE = "forge.principal";

    /** Served without a token: loopback clients while no key is configured, or everyone with AUTH_REQUIRED=false. */
    public static final Principal LOCAL = new Principal("local", Role.ADMIN, Role.ADMIN.defaultScopes(), Set.of(),
            null, null, false);

    /** On an open endpoint, a caller without a usable credential: may read nothing beyond what is open. */
    public static final Principal ANONYMOUS = new Principal("anonymous", Role.VIEWER, Set.of(), Set.of(), null, null, false);

    public Principal {
        scopes = Set.copyOf(scopes);
        tools = Set.copyOf(tools);
    }

    /**
     * A principal from a token's claims. Scopes the role does not permit are dropped; a token that names none of
     * Forge's endpoint or admin scopes gets its role's defaults; {@code tool:} scopes and the {@code tools} claim
     * limit which tools it may see and call.
     */
    public static Principal of(String subject, Role role, Collection<String> declaredScopes, Collection<String> toolClaim,
                               String tokenId, Instant expiresAt) {
        Set<String> granted = new LinkedHashSet<>();
        Set<String> tools = new LinkedHashSet<>(toolClaim);
        for (String scope : declaredScopes) {
            if (scope.startsWith(Scopes.TOOL_PREFIX) && Scopes.known(scope)) {
                tools.add(scope.substring(Scopes.TOOL_PREFIX.length()));
            } else if (Scopes.known(scope) && role.permits(scope)) {
                granted.add(scope);
            }
        }
        if (granted.isEmpty() && declaredScopes.stream().noneMatch(s -> Scopes.known(s) && !s.startsWith(Scopes.TOOL_PREFIX))) {
            granted.addAll(role.defaultScopes());
        }
        return new Principal(subject, role, granted, tools, tokenId, expiresAt, true);
    }

    /** The principal the guard attached to this request ({@link #LOCAL} when none was needed). */
    public static Principal of(Context ctx) {
        Principal p = ctx.attribute(ATTRIBUTE);
        return p == null ? LOCAL : p;
    }

    public boolean mayRead() {
        return scopes.contains(Scopes.ADMIN_READ) || scopes.contains(Scopes.ADMIN_WRITE);
    }

    public boolean mayWrite() {
        return scopes.contains(Scopes.ADMIN_WRITE);
    }

    /** True if the token covers the MCP endpoint with this catalog scope. */
    public boolean mayUse(String catalogScope) {
        return scopes.contains(Scopes.MCP) || scopes.contains(Scopes.forEndpoint(catalogScope));
    }

    public boolean toolLimited() {
        return !tools.isEmpty();
    }

    /** {@code namespacedTool}: the tool's name as the all-upstreams endpoint shows it. */
    public boolean mayCall(String namespacedTool) {
        return tools.isEmpty() || tools.contains(namespacedTool);
    }

    /** Whom a rate limit or session count is charged to: the subject, or the address when nobody signed in. */
    public String chargedTo(String address) {
        return authenticated ? "sub:" + subject : "ip:" + address;
    }
}

package dev.forge.auth;

import java.util.Locale;
import java.util.Set;

/**
 * What a principal may do at most. A token's scopes can narrow its role, never widen it: a viewer token that
 * claims {@code admin:write} still cannot write.
 */
public enum Role {
    ADMIN(Set.of(Scopes.ADMIN_READ, Scopes.ADMIN_WRITE, Scopes.MCP)),
    DEVELOPER(Set.of(Scopes.ADMIN_READ, Scopes.MCP)),
    VIEWER(Set.of(Scopes.ADMIN_READ));

    /** The scopes a token of this role has when it names none. */
    private final Set<String> defaultScopes;

    Role(Set<String> defaultScopes) {
        this.defaultScopes = defaultScopes;
    }

    public Set<String> defaultScopes() {
        return defaultScopes;
    }

    /** True if a token of this role may hold the scope. */
    public boolean permits(String scope) {
        return switch (this) {
            case ADMIN -> true;
            case DEVELOPER -> !scope.equals(Scopes.ADMIN_WRITE);
            case VIEWER -> scope.equals(Scopes.ADMIN_READ);
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named, or null if the name is none of ours. */
    public static Role parse(String name) {
        if (name == null) {
            return null;
        }
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "admin" -> ADMIN;
            case "developer" -> DEVELOPER;
            case "viewer" -> VIEWER;
            default -> null;
        };
    }
}

package dev.forge.config;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What one Forge process serves; {@code forge serve} alone runs every role in one process. */
public enum ServerRole {
    GATEWAY, SERVICE_MANAGER, TOOL_ROUTER;

    /** {@code gateway}, {@code service-manager}, {@code tool-router}, or {@code all}. */
    public static Set<ServerRole> parse(String where, String text) {
        if (text == null || text.equalsIgnoreCase("all")) {
            return EnumSet.allOf(ServerRole.class);
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "gateway" -> EnumSet.of(GATEWAY);
            case "service-manager" -> EnumSet.of(SERVICE_MANAGER);
            case "tool-router" -> EnumSet.of(TOOL_ROUTER);
            default -> throw new ConfigException(where + ": '" + text + "' (expected: gateway | service-manager | tool-router | all)");
        };
    }
}

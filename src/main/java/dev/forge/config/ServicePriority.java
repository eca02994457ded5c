package dev.forge.config;

import java.util.Locale;

/**
 * A managed service's priority ({@code sleep_policy.priority} in the seed's {@code services.yml}): higher ones are
 * started first, and under memory pressure lower ones are put to sleep first.
 */
public enum ServicePriority {
    LOW, NORMAL, HIGH, CRITICAL;

    static ServicePriority parse(String where, String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": '" + text + "' (expected: low | normal | high | critical)");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

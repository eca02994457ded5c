package dev.forge.store;

import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/**
 * One registered upstream as stored: its transport and the transport's details ({@code command}, {@code url},
 * {@code headers}, …) as one JSON object. {@code unreadable} says why the stored spec could not be opened (its
 * secrets sealed with a key Forge no longer has); the spec is then as stored, sealed values and all.
 */
public record GatewayRecord(String id, String name, String transport, ObjectNode spec, boolean enabled,
                            Instant createdAt, Instant updatedAt, String unreadable) {

    public GatewayRecord(String id, String name, String transport, ObjectNode spec, boolean enabled,
                         Instant createdAt, Instant updatedAt) {
        this(id, name, transport, spec, enabled, createdAt, updatedAt, null);
    }
}

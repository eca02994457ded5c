package dev.forge.store;

import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/**
 * One registered upstream as stored: its transport and the transport's details ({@code command}, {@code url},
 * {@code headers}, …) as one JSON object.
 */
public record GatewayRecord(String id, String name, String transport, ObjectNode spec, boolean enabled,
                            Instant createdAt, Instant updatedAt) {}

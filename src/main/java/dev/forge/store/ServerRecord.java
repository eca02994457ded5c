package dev.forge.store;

import java.time.Instant;
import java.util.List;

/**
 * A virtual server as stored: a named subset of the catalog by namespaced tool and prompt names and resource URIs.
 * {@code unreadable}: why its stored members could not be read (then it has none), or null.
 */
public record ServerRecord(String id, String name, String description, List<String> tools, List<String> resources,
                           List<String> prompts, Instant createdAt, Instant updatedAt, String unreadable) {
    public ServerRecord {
        tools = List.copyOf(tools);
        resources = List.copyOf(resources);
        prompts = List.copyOf(prompts);
    }

    public ServerRecord(String id, String name, String description, List<String> tools, List<String> resources,
                        List<String> prompts, Instant createdAt, Instant updatedAt) {
        this(id, name, description, tools, resources, prompts, createdAt, updatedAt, null);
    }
}

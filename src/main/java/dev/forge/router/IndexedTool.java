package dev.forge.router;

import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/** One tool as the router indexes it: its namespaced name, the upstream that owns it, its definition, its tags. */
public record IndexedTool(String name, String upstream, ObjectNode definition, List<String> tags) {

    public IndexedTool {
        tags = List.copyOf(tags);
    }
}

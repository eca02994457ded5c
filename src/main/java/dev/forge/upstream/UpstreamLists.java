package dev.forge.upstream;

import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/** What one upstream offers, as it listed it (names unprefixed, every field kept). */
public record UpstreamLists(
        List<ObjectNode> tools,
        List<ObjectNode> resources,
        List<ObjectNode> resourceTemplates,
        List<ObjectNode> prompts,
        boolean completions) {

    public static final UpstreamLists EMPTY = new UpstreamLists(List.of(), List.of(), List.of(), List.of(), false);

    public UpstreamLists {
        tools = List.copyOf(tools);
        resources = List.copyOf(resources);
        resourceTemplates = List.copyOf(resourceTemplates);
        prompts = List.copyOf(prompts);
    }

    UpstreamLists withTools(List<ObjectNode> t) {
        return new UpstreamLists(t, resources, resourceTemplates, prompts, completions);
    }

    UpstreamLists withResources(List<ObjectNode> r, List<ObjectNode> templates) {
        return new UpstreamLists(tools, r, templates, prompts, completions);
    }

    UpstreamLists withPrompts(List<ObjectNode> p) {
        return new UpstreamLists(tools, resources, resourceTemplates, p, completions);
    }
}

package dev.forge.config;

import java.util.List;

/** A named subset of the federated catalog, served at its own MCP endpoints. Names are the namespaced ones. */
public record VirtualServerConfig(String name, List<String> tools, List<String> resources, List<String> prompts) {
    public VirtualServerConfig {
        tools = List.copyOf(tools);
        resources = List.copyOf(resources);
        prompts = List.copyOf(prompts);
    }
}

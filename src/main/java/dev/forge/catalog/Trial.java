package dev.forge.catalog;

import java.util.List;

/**
 * What one connection attempt to an upstream found, without the upstream joining anything: the console's "test
 * connection" before a gateway is saved.
 *
 * @param state           ready, failed, or connecting (still not through when the time was up)
 * @param protocolVersion the revision agreed, null if none
 * @param server          the server's own name and version, as it gave them ("" if none)
 * @param tools           the tools it lists, each name with its description
 * @param error           why it is not ready, in words; null when ready
 */
public record Trial(String state, String protocolVersion, String server, List<Tool> tools, String error) {

    public record Tool(String name, String description) {}

    public Trial {
        tools = List.copyOf(tools);
    }
}

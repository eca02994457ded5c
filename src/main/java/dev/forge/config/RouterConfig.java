package dev.forge.config;

/**
 * The tool router role.
 *
 * @param port       {@code TOOL_ROUTER_PORT}: its API ({@code /route}, {@code /status}) and the meta-tools at {@code /mcp}
 * @param serverName {@code TOOL_ROUTER_SERVER}: the virtual server that shows only the meta-tools
 */
public record RouterConfig(int port, String serverName) {

    public static RouterConfig defaults() {
        return new RouterConfig(8001, "router");
    }

    public RouterConfig withPort(int newPort) {
        return new RouterConfig(newPort, serverName);
    }
}

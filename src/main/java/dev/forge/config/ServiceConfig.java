package dev.forge.config;

/**
 * A local MCP server the service manager runs: the stdio upstream it becomes (always one shared session: one
 * process per service is the point of managing it) and what is done with it beyond that.
 *
 * @param upstream  how to start and talk to it, with its {@link Lifecycle} in the policy
 * @param autoStart start it with Forge; otherwise it waits for {@code POST /services/{name}/start}
 * @param cpu       the CPU share asked for in {@code resources.cpu}; reported, not enforced (see docs)
 */
public record ServiceConfig(UpstreamConfig.Stdio upstream, boolean autoStart, double cpu) {

    public String name() {
        return upstream.name();
    }
}

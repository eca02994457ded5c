package dev.forge.config;

import java.util.Map;

/**
 * A local MCP server the service manager runs: the stdio upstream it becomes (always one shared session: one
 * process per service is the point of managing it) and what is done with it beyond that.
 *
 * @param upstream          how to start and talk to it, with its {@link Lifecycle} in the policy
 * @param autoStart         start it with Forge; otherwise it waits for a call or {@code POST /services/{name}/start}
 * @param cpu               the CPU share asked for in {@code resources.cpu}; recorded, not enforced (see notEnforced)
 * @param priority          start order, and who sleeps first under memory pressure
 * @param memoryReservation bytes the manager keeps available on the host so that this service can be woken; 0 for none
 * @param volumes           container path → host path: where the file's container paths are found on this host
 * @param notEnforced       keys of the file that are recorded but not acted on, each with the reason
 */
public record ServiceConfig(UpstreamConfig.Stdio upstream, boolean autoStart, double cpu, ServicePriority priority,
                            long memoryReservation, Map<String, String> volumes, Map<String, String> notEnforced) {

    public ServiceConfig {
        volumes = Map.copyOf(volumes);
        notEnforced = Map.copyOf(notEnforced);
    }

    public String name() {
        return upstream.name();
    }
}

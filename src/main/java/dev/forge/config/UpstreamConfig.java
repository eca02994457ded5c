package dev.forge.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One upstream MCP server, by how we reach it. */
public sealed interface UpstreamConfig permits UpstreamConfig.Stdio, UpstreamConfig.StreamableHttp, UpstreamConfig.Sse,
        UpstreamConfig.Rest, UpstreamConfig.Local, UpstreamConfig.Meta {

    String name();

    UpstreamPolicy policy();

    default Duration timeout() {
        return policy().timeout();
    }

    default SessionMode sessionMode() {
        return policy().sessionMode();
    }

    /**
     * A local process speaking newline-delimited JSON-RPC on stdin/stdout.
     *
     * @param env        variables declared for it ({@code env} / {@code environment})
     * @param inheritEnv names it may take from Forge's environment ({@code inherit_env}); see {@link ChildEnvironment}
     */
    record Stdio(String name, List<String> command, Map<String, String> env, List<String> inheritEnv, UpstreamPolicy policy)
            implements UpstreamConfig {
        public Stdio {
            command = List.copyOf(command);
            env = Map.copyOf(env);
            inheritEnv = List.copyOf(inheritEnv);
        }

        public Stdio(String name, List<String> command, Map<String, String> env, UpstreamPolicy policy) {
            this(name, command, env, List.of(), policy);
        }
    }

    /** A remote server on the Streamable HTTP transport (falls back to legacy SSE if the server only speaks that). */
    record StreamableHttp(String name, URI url, Map<String, String> headers, UpstreamPolicy policy)
            implements UpstreamConfig {
        public StreamableHttp {
            headers = Map.copyOf(headers);
        }
    }

    /** A remote server on the legacy HTTP+SSE transport. */
    record Sse(String name, URI url, Map<String, String> headers, UpstreamPolicy policy)
            implements UpstreamConfig {
        public Sse {
            headers = Map.copyOf(headers);
        }
    }

    /** Forge's own upstream serving plain HTTP APIs as MCP tools (REST-backed tools registered through the API). */
    record Rest(String name, UpstreamPolicy policy, RestToolSource source) implements UpstreamConfig {}

    /** Forge's own upstream serving the prompts and resources defined through the API. */
    record Local(String name, UpstreamPolicy policy, LocalItemSource source) implements UpstreamConfig {}

    /** Forge's own meta-tools (the tool router's), listed like an upstream's and answered by the gateway itself. */
    record Meta(String name, UpstreamPolicy policy, MetaToolSource source) implements UpstreamConfig {}
}

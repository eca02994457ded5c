package dev.forge.registry;

import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.config.UpstreamPolicy;
import dev.forge.protocol.Json;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/** An upstream's configuration as the JSON object stored in the registry and shown by the API (forge.yaml's keys). */
final class UpstreamSpecs {

    private UpstreamSpecs() {}

    static String transport(UpstreamConfig config) {
        return switch (config) {
            case UpstreamConfig.Stdio s -> "stdio";
            case UpstreamConfig.StreamableHttp h -> "streamable-http";
            case UpstreamConfig.Sse s -> "sse";
            case UpstreamConfig.Rest r -> "rest";
            case UpstreamConfig.Local l -> "local";
            case UpstreamConfig.Meta m -> "meta";
        };
    }

    /** Everything but the name, in forge.yaml's shape; durations in milliseconds. */
    static ObjectNode toJson(UpstreamConfig config, String description) {
        ObjectNode spec = Json.object();
        spec.put("transport", transport(config));
        switch (config) {
            case UpstreamConfig.Stdio s -> {
                s.command().forEach(spec.putArray("command")::add);
                putMap(spec, "env", s.env());
                if (!s.inheritEnv().isEmpty()) {
                    s.inheritEnv().forEach(spec.putArray("inherit_env")::add);
                }
            }
            case UpstreamConfig.StreamableHttp h -> {
                spec.put("url", h.url().toString());
                putMap(spec, "headers", h.headers());
            }
            case UpstreamConfig.Sse h -> {
                spec.put("url", h.url().toString());
                putMap(spec, "headers", h.headers());
            }
            case UpstreamConfig.Rest r -> { } // built in: nothing to store
            case UpstreamConfig.Local l -> { }
            case UpstreamConfig.Meta m -> { }
        }
        UpstreamPolicy policy = config.policy();
        spec.put("timeout", policy.timeout().toMillis() + "ms");
        spec.put("session_mode", policy.sessionMode() == SessionMode.SHARED ? "shared" : "per-client");
        spec.put("max_concurrency", policy.maxConcurrency());
        spec.put("health_check_interval", policy.healthCheckInterval().isZero() ? "off" : policy.healthCheckInterval().toMillis() + "ms");
        if (!policy.toolTimeouts().isEmpty()) {
            ObjectNode tools = spec.putObject("tool_timeouts");
            policy.toolTimeouts().forEach((tool, d) -> tools.put(tool, d.toMillis() + "ms"));
        }
        if (description != null) {
            spec.put("description", description);
        }
        return spec;
    }

    private static void putMap(ObjectNode spec, String key, Map<String, String> values) {
        if (!values.isEmpty()) {
            ObjectNode node = spec.putObject(key);
            values.forEach(node::put);
        }
    }
}

package dev.forge.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code services.yml}: the local servers the service manager runs, in the deployment guide's shape — a mapping of
 * name to service (or a list of services with {@code name}). {@code image} is accepted and ignored with a warning:
 * Forge runs services as its own child processes, never through a Docker socket.
 */
final class ServicesFile {

    private static final Logger LOG = LoggerFactory.getLogger(ServicesFile.class);
    private static final Set<String> KEYS = Set.of("name", "command", "image", "environment", "env", "inherit_env", "port", "auto_start",
            "sleep_policy", "health_check", "resources", "timeout", "description");
    private static final Set<String> SLEEP_KEYS = Set.of("enabled", "idle_timeout", "min_sleep_time");
    private static final Set<String> HEALTH_KEYS = Set.of("enabled", "interval", "timeout");
    private static final Set<String> RESOURCE_KEYS = Set.of("memory", "cpu");
    private static final Pattern MEMORY = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?b?)?", Pattern.CASE_INSENSITIVE);

    private final ConfigLoader loader;
    private final Duration defaultTimeout;

    ServicesFile(ConfigLoader loader, Duration defaultTimeout) {
        this.loader = loader;
        this.defaultTimeout = defaultTimeout;
    }

    List<ServiceConfig> read(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return List.of();
        }
        String where = file.toString();
        ObjectNode root = loader.readYaml(file);
        ConfigLoader.checkKeys(where, root, Set.of("services", "version"));
        JsonNode services = root.get("services");
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        if (services == null || services.isNull()) {
            return List.of();
        } else if (services.isObject()) {
            services.properties().forEach(e -> {
                ObjectNode spec = e.getValue() instanceof ObjectNode o ? o.deepCopy() : null;
                if (spec == null) {
                    throw new ConfigException(where + ": services." + e.getKey() + ": expected a mapping");
                }
                spec.put("name", e.getKey());
                byName.put(e.getKey(), spec);
            });
        } else if (services.isArray()) {
            for (int i = 0; i < services.size(); i++) {
                JsonNode spec = services.get(i);
                String name = loader.requiredName(where + ": services[" + i + "]", spec);
                if (byName.put(name, spec) != null) {
                    throw new ConfigException(where + ": services[" + i + "].name: '" + name + "' is used twice (expected: unique names)");
                }
            }
        } else {
            throw new ConfigException(where + ": services: expected a mapping of names to services");
        }
        List<ServiceConfig> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        byName.forEach((name, spec) -> {
            String at = where + ": services." + name;
            if (seen.add(name)) {
                result.add(service(at, spec));
            }
        });
        return result;
    }

    ServiceConfig service(String at, JsonNode spec) {
        ConfigLoader.checkKeys(at, spec, KEYS);
        String name = loader.requiredName(at, spec);
        if (spec.has("image")) {
            LOG.warn("{}.image: ignored — Forge runs '{}' as its own child process from command, not as a container", at, name);
        }
        if (!spec.has("command")) {
            throw new ConfigException(at + ".command: missing (expected: the command that starts the stdio MCP server)");
        }
        Map<String, String> env = new LinkedHashMap<>(loader.stringMap(at, spec, "env"));
        env.putAll(loader.stringMap(at, spec, "environment"));
        String port = loader.text(at, spec, "port");
        if (port != null) {
            env.putIfAbsent("PORT", port.trim());
        }
        Duration idle = Duration.ZERO;
        Duration minUptime = Duration.ZERO;
        JsonNode sleep = spec.get("sleep_policy");
        if (sleep != null && !sleep.isNull()) {
            ConfigLoader.checkKeys(at + ".sleep_policy", sleep, SLEEP_KEYS);
            if (enabled(at + ".sleep_policy", sleep)) {
                idle = loader.duration(at + ".sleep_policy", sleep, "idle_timeout", Duration.ofMinutes(5));
                minUptime = loader.duration(at + ".sleep_policy", sleep, "min_sleep_time", Duration.ZERO);
            }
        }
        Duration healthInterval = UpstreamPolicy.DEFAULT_HEALTH_CHECK_INTERVAL;
        JsonNode health = spec.get("health_check");
        if (health != null && !health.isNull()) {
            ConfigLoader.checkKeys(at + ".health_check", health, HEALTH_KEYS);
            healthInterval = enabled(at + ".health_check", health) ? loader.duration(at + ".health_check", health, "interval", healthInterval) : Duration.ZERO;
        }
        long memory = 0;
        double cpu = 0;
        JsonNode resources = spec.get("resources");
        if (resources != null && !resources.isNull()) {
            ConfigLoader.checkKeys(at + ".resources", resources, RESOURCE_KEYS);
            String m = loader.text(at + ".resources", resources, "memory");
            memory = m == null ? 0 : bytes(at + ".resources.memory", m);
            String c = loader.text(at + ".resources", resources, "cpu");
            cpu = c == null ? 0 : number(at + ".resources.cpu", c);
        }
        boolean autoStart = ConfigLoader.parseBoolean(at + ".auto_start", orDefault(loader.text(at, spec, "auto_start"), "true"));
        Duration timeout = loader.duration(at, spec, "timeout", defaultTimeout);
        UpstreamPolicy policy = new UpstreamPolicy(timeout, Map.of(), SessionMode.SHARED, UpstreamPolicy.DEFAULT_MAX_CONCURRENCY,
                healthInterval, new Lifecycle(idle, minUptime, memory));
        return new ServiceConfig(loader.checked(at, new UpstreamConfig.Stdio(name, loader.command(at, spec), env,
                loader.inheritEnv(at, spec), policy)), autoStart, cpu);
    }

    /** A section's {@code enabled} flag; a section that is present is on unless it says otherwise. */
    private boolean enabled(String at, JsonNode section) {
        return ConfigLoader.parseBoolean(at + ".enabled", orDefault(loader.text(at, section, "enabled"), "true"));
    }

    /** {@code 256m}, {@code 1g}, {@code 512MiB}, {@code 1.5G}, or a number of bytes. */
    static long bytes(String where, String text) {
        Matcher m = MEMORY.matcher(text.trim());
        if (!m.matches()) {
            throw new ConfigException(where + ": '" + text + "' (expected: a size such as 256m, 1g or 512MiB)");
        }
        double amount = Double.parseDouble(m.group(1));
        long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            case "t" -> 1L << 40;
            default -> 1;
        };
        long value = (long) (amount * unit);
        if (value <= 0) {
            throw new ConfigException(where + ": '" + text + "' (expected: > 0)");
        }
        return value;
    }

    private static double number(String where, String text) {
        try {
            double v = Double.parseDouble(text.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(where + ": '" + text + "' (expected: a number of CPUs > 0, such as 0.5)");
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }
}

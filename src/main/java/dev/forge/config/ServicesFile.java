package dev.forge.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
            "sleep_policy", "health_check", "resources", "timeout", "description", "volumes", "priority");
    private static final Set<String> SLEEP_KEYS = Set.of("enabled", "idle_timeout", "min_sleep_time", "memory_reservation", "priority");
    private static final Set<String> HEALTH_KEYS = Set.of("enabled", "interval", "timeout", "path");
    private static final Set<String> RESOURCE_KEYS = Set.of("memory", "cpu", "memory_reservation", "cpu_reservation");
    private static final Pattern MEMORY = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?b?)?", Pattern.CASE_INSENSITIVE);
    private static final String NO_CGROUPS = "Forge runs services as plain child processes, without cgroups; "
            + "only resources.memory is enforced (the service is stopped above it)";

    /** What a {@code services.yml} holds: the services ready to run, and those waiting for environment variables. */
    record Loaded(List<ServiceConfig> services, List<UnconfiguredService> unconfigured) {
        static final Loaded NONE = new Loaded(List.of(), List.of());
    }

    private final ConfigLoader loader;
    private final Duration defaultTimeout;
    private final Path baseDir;

    /** @param baseDir what relative host paths in {@code volumes} are relative to (the file's directory) */
    ServicesFile(ConfigLoader loader, Duration defaultTimeout, Path baseDir) {
        this.loader = loader;
        this.defaultTimeout = defaultTimeout;
        this.baseDir = baseDir;
    }

    Loaded read(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return Loaded.NONE;
        }
        String where = file.toString();
        ObjectNode root = loader.readYaml(file);
        ConfigLoader.checkKeys(where, root, Set.of("services", "version"));
        JsonNode services = root.get("services");
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        if (services == null || services.isNull()) {
            return Loaded.NONE;
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
        List<ServiceConfig> ready = new ArrayList<>();
        List<UnconfiguredService> waiting = new ArrayList<>();
        byName.forEach((name, spec) -> {
            String at = where + ": services." + name;
            List<String> missing = loader.unsetVariables(expanded(spec));
            if (missing.isEmpty()) {
                ready.add(service(at, spec));
            } else {
                loader.requiredName(at, spec);
                LOG.warn("{}: needs configuration: {} not set; the other services start without it, and it starts once "
                        + "the variables are provided (PUT /services/{}/environment, or the environment at the next start)",
                        at, String.join(", ", missing), name);
                waiting.add(new UnconfiguredService(name, missing, autoStart(at, spec, true), priorityOrNormal(at, spec),
                        variables -> new ServicesFile(loader.withVariables(variables), defaultTimeout, baseDir).service(at, spec)));
            }
        });
        long images = byName.values().stream().filter(spec -> spec.has("image")).count();
        if (images > 0) {
            LOG.info("{}: 'image' of {} service(s) recorded, not used: Forge runs each service's command as its own child process",
                    where, images);
        }
        return new Loaded(ready, waiting);
    }

    /** The parts of an entry whose {@code ${VAR}}s are expanded: not {@code image}, {@code description} or names. */
    private static JsonNode expanded(JsonNode spec) {
        ObjectNode parts = (ObjectNode) spec.deepCopy();
        parts.remove(List.of("image", "description", "name", "inherit_env"));
        for (String mapping : List.of("environment", "env")) {
            if (parts.get(mapping) instanceof ObjectNode values) {
                parts.set(mapping, tools.jackson.databind.node.JsonNodeFactory.instance.arrayNode().addAll(values.values()));
            }
        }
        return parts;
    }

    ServiceConfig service(String at, JsonNode spec) {
        ConfigLoader.checkKeys(at, spec, KEYS);
        String name = loader.requiredName(at, spec);
        if (!spec.has("command")) {
            throw new ConfigException(at + ".command: missing (expected: the command that starts the stdio MCP server)");
        }
        Map<String, String> notEnforced = new TreeMap<>();
        if (spec.has("image")) {
            notEnforced.put("image", "Forge runs the command as its own child process, not in a container");
        }
        Map<String, String> volumes = volumes(at, spec);
        List<String> command = loader.command(at, spec);
        String port = loader.text(at, spec, "port");
        Map<String, String> env = new LinkedHashMap<>(loader.stringMap(at, spec, "env"));
        env.putAll(loader.stringMap(at, spec, "environment"));
        if (TranslateWrapper.wraps(command)) {
            String wrapperPort = TranslateWrapper.port(command);
            command = TranslateWrapper.unwrap(at + ".command", command);
            LOG.info("{}.command: runs '{}' directly — the forge.translate wrapper is not needed: the service manager serves "
                    + "it at /services/{}/mcp and /services/{}/sse", at, MaskedCommand.of(command), name, name);
            if (wrapperPort != null || port != null) {
                notEnforced.put("port", "the wrapper's port " + firstOf(wrapperPort, port) + " is not opened: the service is "
                        + "served on the service manager's port at /services/" + name + "/mcp");
            }
        } else if (port != null) {
            env.putIfAbsent("PORT", port.trim());
        }
        command = command.stream().map(word -> onHost(word, volumes)).toList();
        env.replaceAll((key, value) -> onHost(value, volumes));

        Duration idle = Duration.ZERO;
        Duration minUptime = Duration.ZERO;
        long reservation = 0;
        ServicePriority priority = spec.has("priority") ? ServicePriority.parse(at + ".priority", loader.text(at, spec, "priority"))
                : ServicePriority.NORMAL;
        JsonNode sleep = spec.get("sleep_policy");
        if (sleep != null && !sleep.isNull()) {
            String in = at + ".sleep_policy";
            ConfigLoader.checkKeys(in, sleep, SLEEP_KEYS);
            if (enabled(in, sleep)) {
                idle = seconds(in, sleep, "idle_timeout", Duration.ofMinutes(5));
                minUptime = seconds(in, sleep, "min_sleep_time", Duration.ZERO);
            }
            String reserve = loader.text(in, sleep, "memory_reservation");
            reservation = reserve == null ? 0 : bytes(in + ".memory_reservation", reserve);
            if (sleep.has("priority")) {
                priority = ServicePriority.parse(in + ".priority", loader.text(in, sleep, "priority"));
            }
        }
        Duration healthInterval = UpstreamPolicy.DEFAULT_HEALTH_CHECK_INTERVAL;
        JsonNode health = spec.get("health_check");
        if (health != null && !health.isNull()) {
            String in = at + ".health_check";
            ConfigLoader.checkKeys(in, health, HEALTH_KEYS);
            healthInterval = enabled(in, health) ? seconds(in, health, "interval", healthInterval) : Duration.ZERO;
            if (health.has("path")) {
                notEnforced.put("health_check.path", "the service speaks MCP over stdio: Forge checks it with an MCP ping "
                        + "every interval instead of an HTTP request");
            }
            if (health.has("timeout")) {
                seconds(in, health, "timeout", Duration.ZERO); // still checked: a typo should not wait for the day it is enforced
                notEnforced.put("health_check.timeout", "a ping may take as long as the shorter of the interval and "
                        + "CONNECTION_TIMEOUT; three missed pings in a row restart the service");
            }
        }
        long memory = 0;
        double cpu = 0;
        JsonNode resources = spec.get("resources");
        if (resources != null && !resources.isNull()) {
            String in = at + ".resources";
            ConfigLoader.checkKeys(in, resources, RESOURCE_KEYS);
            String m = loader.text(in, resources, "memory");
            memory = m == null ? 0 : bytes(in + ".memory", m);
            String c = loader.text(in, resources, "cpu");
            cpu = c == null ? 0 : number(in + ".cpu", c);
            String reserve = loader.text(in, resources, "memory_reservation");
            if (reserve != null) {
                reservation = Math.max(reservation, bytes(in + ".memory_reservation", reserve));
            }
            if (c != null) {
                notEnforced.put("resources.cpu", NO_CGROUPS);
            }
            String cpuReserve = loader.text(in, resources, "cpu_reservation");
            if (cpuReserve != null) {
                number(in + ".cpu_reservation", cpuReserve);
                notEnforced.put("resources.cpu_reservation", NO_CGROUPS);
            }
        }
        boolean autoStart = autoStart(at, spec, false);
        Duration timeout = spec.has("timeout") ? seconds(at, spec, "timeout", defaultTimeout) : defaultTimeout;
        UpstreamPolicy policy = new UpstreamPolicy(timeout, Map.of(), SessionMode.SHARED, UpstreamPolicy.DEFAULT_MAX_CONCURRENCY,
                healthInterval, new Lifecycle(idle, minUptime, memory));
        UpstreamConfig.Stdio upstream = loader.checked(at, new UpstreamConfig.Stdio(name, command, env, loader.inheritEnv(at, spec), policy));
        return new ServiceConfig(upstream, autoStart, cpu, priority, reservation, volumes, notEnforced);
    }

    /** {@code auto_start}, true when absent; {@code lenient} falls back instead of failing (for a service not yet complete). */
    private boolean autoStart(String at, JsonNode spec, boolean lenient) {
        try {
            return ConfigLoader.parseBoolean(at + ".auto_start", orDefault(loader.text(at, spec, "auto_start"), "true"));
        } catch (ConfigException e) {
            if (lenient) {
                return false;
            }
            throw e;
        }
    }

    private ServicePriority priorityOrNormal(String at, JsonNode spec) {
        try {
            JsonNode sleep = spec.get("sleep_policy");
            String text = sleep != null && sleep.has("priority") ? loader.text(at, sleep, "priority") : loader.text(at, spec, "priority");
            return text == null ? ServicePriority.NORMAL : ServicePriority.parse(at + ".priority", text);
        } catch (ConfigException e) {
            return ServicePriority.NORMAL;
        }
    }

    /** A duration in this file: a bare number is seconds, as the seed's file writes them. */
    private Duration seconds(String at, JsonNode node, String key, Duration fallback) {
        String text = loader.text(at, node, key);
        return text == null ? fallback : Durations.parse(at + "." + key, text, ChronoUnit.SECONDS);
    }

    /**
     * {@code volumes}: {@code host: container} pairs (or compose's {@code "host:container[:mode]"} list). A container
     * path in the command or the environment is where the service looked for its files in the seed's containers;
     * run on this host, it is the host path instead. Relative host paths are relative to the file's directory.
     */
    private Map<String, String> volumes(String at, JsonNode spec) {
        JsonNode node = spec.get("volumes");
        Map<String, String> byContainerPath = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return byContainerPath;
        }
        List<String[]> pairs = new ArrayList<>();
        if (node.isObject()) {
            loader.stringMap(at, spec, "volumes").forEach((host, container) -> pairs.add(new String[] {host, container}));
            // keys may hold ${VAR:-default} too
            pairs.replaceAll(p -> new String[] {loader.expanded(at + ".volumes", p[0]), p[1]});
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String entry = loader.expanded(at + ".volumes[" + i + "]", node.get(i).asString());
                String[] parts = entry.split(":");
                if (parts.length < 2 || parts[0].isBlank() || parts[1].isBlank()) {
                    throw new ConfigException(at + ".volumes[" + i + "]: '" + entry + "' (expected: HOST_PATH:CONTAINER_PATH)");
                }
                pairs.add(new String[] {parts[0], parts[1]});
            }
        } else {
            throw new ConfigException(at + ".volumes: expected a mapping of host paths to container paths");
        }
        for (String[] pair : pairs) {
            String container = pair[1].endsWith("/") && pair[1].length() > 1 ? pair[1].substring(0, pair[1].length() - 1) : pair[1];
            if (!container.startsWith("/")) {
                throw new ConfigException(at + ".volumes: '" + pair[1] + "' (expected: an absolute container path)");
            }
            Path host = Path.of(pair[0]);
            if (!host.isAbsolute() && baseDir != null) {
                host = baseDir.resolve(host);
            }
            byContainerPath.put(container, host.toAbsolutePath().normalize().toString());
        }
        return byContainerPath;
    }

    /** {@code word} with a leading container path (also after {@code --opt=}) replaced by its host path. */
    static String onHost(String word, Map<String, String> volumes) {
        if (volumes.isEmpty()) {
            return word;
        }
        int eq = word.startsWith("-") ? word.indexOf('=') + 1 : 0;
        String path = word.substring(eq);
        String best = null;
        for (String container : volumes.keySet()) {
            boolean under = path.equals(container) || path.startsWith(container.equals("/") ? "/" : container + "/");
            if (under && (best == null || container.length() > best.length())) {
                best = container;
            }
        }
        if (best == null) {
            return word;
        }
        String rest = best.equals("/") ? path : path.substring(best.length()); // "/" keeps the separator
        return word.substring(0, eq) + volumes.get(best) + rest;
    }

    private static String firstOf(String a, String b) {
        return a != null ? a : b;
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

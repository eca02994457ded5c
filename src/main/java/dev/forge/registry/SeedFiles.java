package dev.forge.registry;

import dev.forge.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The seed project's line files, read into a registry document ({@code format: forge-registry}) that
 * {@link RegistryTransfer#importDocument} writes: {@code gateways.txt} ({@code name|url|transport}),
 * {@code prompts.txt} ({@code name|description|template}, {@code {{arg}}} placeholders, {@code \n} for newlines) and
 * {@code resources.txt} ({@code name|uri|description|mime_type}). Blank lines and {@code #} comments are skipped.
 *
 * <p>A gateway line that points at one of the directory's own {@code services.yml} services (by name, or by the
 * container address {@code http://NAME:PORT/sse} the seed's translate wrapper served it on) is not imported: the
 * service manager runs that service and federates it itself. So is the seed's {@code tool-router} container: Forge's
 * router is a role of its own.
 */
public final class SeedFiles {

    public static final List<String> FILES = List.of("gateways.txt", "prompts.txt", "resources.txt");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_-]*)\\s*}}");
    private static final Pattern SINGLE_LABEL_HOST = Pattern.compile("[a-z0-9-]+");

    private final ObjectNode document = Json.object().put("format", "forge-registry");
    private final List<String> notImported = new ArrayList<>();
    /** Each gateway's line, by the name it is imported under. */
    private final Map<String, String> gatewayLines = new HashMap<>();

    private SeedFiles() {}

    /** True when {@code dir} holds at least one of the line files. */
    public static boolean present(Path dir) {
        return dir != null && FILES.stream().anyMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    /** Reads the line files of {@code dir}; a malformed line refuses the whole directory, naming file and line. */
    public static SeedFiles read(Path dir) {
        SeedFiles seed = new SeedFiles();
        Map<String, Integer> services = servicePorts(dir.resolve("services.yml"));
        seed.gateways(dir.resolve("gateways.txt"), services);
        seed.prompts(dir.resolve("prompts.txt"));
        seed.resources(dir.resolve("resources.txt"));
        return seed;
    }

    /** The registry document to import. */
    public ObjectNode document() {
        return document;
    }

    /** The lines deliberately left out, each with the reason. */
    public List<String> notImported() {
        return notImported;
    }

    /**
     * Leaves out the gateway lines whose names belong to a part of Forge ({@code rest}, {@code local}, a managed
     * service): reported, not refused, like forge.yaml's gateways at start.
     *
     * @param owner the part of Forge that owns a name, or null if a gateway may take it
     */
    public SeedFiles withoutReserved(java.util.function.Function<String, String> owner) {
        ArrayNode gateways = (ArrayNode) document.get("gateways");
        for (int i = gateways.size() - 1; i >= 0; i--) {
            String name = gateways.get(i).path("name").asString();
            String part = owner.apply(name);
            if (part != null) {
                gateways.remove(i);
                notImported.add(gatewayLines.get(name) + " " + name + ": the name belongs to " + part);
            }
        }
        return this;
    }

    private void gateways(Path file, Map<String, Integer> services) {
        ArrayNode out = document.putArray("gateways");
        Map<Integer, String> serviceByPort = new HashMap<>();
        services.forEach((name, port) -> {
            if (port > 0) {
                serviceByPort.put(port, name);
            }
        });
        eachLine(file, 3, (at, parts) -> {
            String name = name(at, parts[0]);
            URI url = url(at, parts.length > 1 ? parts[1] : "");
            String transport = transport(at, parts.length > 2 ? parts[2] : "", url);
            String host = url.getHost().toLowerCase(Locale.ROOT);
            boolean containerAddress = SINGLE_LABEL_HOST.matcher(host).matches() && !host.equals("localhost");
            if (services.containsKey(name)) {
                notImported.add(at + " " + name + ": a service of services.yml; the service manager runs it and federates its tools");
            } else if (containerAddress && serviceByPort.containsKey(url.getPort())) {
                notImported.add(at + " " + name + ": " + url + " is the seed's container address of service '"
                        + serviceByPort.get(url.getPort()) + "' (port " + url.getPort() + "); the service manager runs it");
            } else if (containerAddress && host.equals("tool-router")) {
                notImported.add(at + " " + name + ": the seed's tool-router container; Forge's tool router is its own role (TOOL_ROUTER_PORT)");
            } else {
                String earlier = gatewayLines.putIfAbsent(name, at);
                if (earlier != null) {
                    throw new RegistryException(422, at + ": '" + name + "' is also the name of " + earlier
                            + " (names are compared lower-cased; expected: one line per gateway)");
                }
                out.addObject().put("name", name).put("transport", transport).put("url", url.toString());
            }
        });
    }

    private void prompts(Path file) {
        ArrayNode out = document.putArray("prompts");
        eachLine(file, 3, (at, parts) -> {
            if (parts.length < 3 || parts[2].isBlank()) {
                throw new RegistryException(422, at + ": expected name|description|template");
            }
            String template = unescape(parts[2]);
            unique(at, "prompt", parts[0].trim(), out);
            ObjectNode prompt = out.addObject().put("name", parts[0].trim()).put("description", parts[1].trim()).put("template", template);
            Set<String> arguments = new LinkedHashSet<>();
            Matcher m = PLACEHOLDER.matcher(template);
            while (m.find()) {
                arguments.add(m.group(1));
            }
            ArrayNode args = prompt.putArray("arguments");
            arguments.forEach(a -> args.addObject().put("name", a).put("required", true));
            check(at, () -> LocalItemRegistry.validatePrompt(prompt));
        });
    }

    private void resources(Path file) {
        ArrayNode out = document.putArray("resources");
        eachLine(file, 4, (at, parts) -> {
            if (parts.length < 2 || parts[1].isBlank()) {
                throw new RegistryException(422, at + ": expected name|uri|description|mime_type");
            }
            unique(at, "resource", parts[1].trim(), out);
            ObjectNode resource = out.addObject().put("name", parts[0].trim()).put("uri", parts[1].trim());
            if (parts.length > 2 && !parts[2].isBlank()) {
                resource.put("description", parts[2].trim());
            }
            if (parts.length > 3 && !parts[3].isBlank()) {
                resource.put("mime_type", parts[3].trim());
            }
            check(at, () -> LocalItemRegistry.validateResource(resource));
        });
    }

    /** Refuses a second prompt of the same name or resource of the same URI in one file. */
    private static void unique(String at, String kind, String key, ArrayNode earlier) {
        String field = kind.equals("prompt") ? "name" : "uri";
        for (JsonNode item : earlier) {
            if (item.path(field).asString().equals(key)) {
                throw new RegistryException(422, at + ": a second " + kind + " '" + key + "' (expected: one line per " + kind + ")");
            }
        }
    }

    private interface LineReader {
        void accept(String at, String[] parts);
    }

    private static void eachLine(Path file, int fields, LineReader reader) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new RegistryException(422, file + ": cannot read (" + e.getMessage() + ")");
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                reader.accept(file.getFileName() + ":" + (i + 1), line.split("\\|", fields));
            }
        }
    }

    /** The seed writes names like {@code Context7}; Forge's are lower case: {@code context7}. */
    private static String name(String at, String raw) {
        String name = raw.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        if (name.isEmpty()) {
            throw new RegistryException(422, at + ": '" + raw + "' (expected: a name of letters, digits and dashes)");
        }
        return name;
    }

    private static URI url(String at, String raw) {
        String why = "expected: an http:// or https:// URL";
        try {
            URI url = URI.create(raw.strip());
            if (("http".equals(url.getScheme()) || "https".equals(url.getScheme())) && url.getHost() != null) {
                return url;
            }
            if (url.getRawAuthority() != null && url.getRawAuthority().contains("_")) {
                why = "a host name cannot contain '_'; use the container's name without it, an alias, or its address";
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new RegistryException(422, at + ": '" + raw.strip() + "' (" + why + ")");
    }

    /** The seed's transport names; none means: {@code …/sse} is SSE, anything else Streamable HTTP. */
    private static String transport(String at, String raw, URI url) {
        String t = raw.strip().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
        return switch (t) {
            case "" -> url.getPath() != null && url.getPath().endsWith("/sse") ? "sse" : "streamable-http";
            case "SSE" -> "sse";
            case "STREAMABLEHTTP", "HTTP" -> "streamable-http";
            default -> throw new RegistryException(422, at + ": transport '" + raw.strip() + "' (expected: SSE or STREAMABLEHTTP)");
        };
    }

    private static String unescape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(i + 1);
                if (next == 'n' || next == 't' || next == '\\') {
                    out.append(next == 'n' ? '\n' : next == 't' ? '\t' : '\\');
                    i++;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    private static void check(String at, Runnable validation) {
        try {
            validation.run();
        } catch (RegistryException e) {
            throw new RegistryException(e.status(), at + ": " + e.getMessage());
        }
    }

    /** Names and ports of the services in {@code services.yml}, read loosely: only to recognise their gateway lines. */
    private static Map<String, Integer> servicePorts(Path file) {
        Map<String, Integer> ports = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            return ports;
        }
        JsonNode services;
        try {
            services = new YAMLMapper().readTree(Files.readString(file)).path("services");
        } catch (IOException | RuntimeException e) {
            return ports; // the service manager reports a broken services.yml itself
        }
        if (services.isObject()) {
            services.properties().forEach(e -> ports.put(e.getKey(), e.getValue().path("port").asInt(-1)));
        } else if (services.isArray()) {
            services.forEach(s -> ports.put(s.path("name").asString(""), s.path("port").asInt(-1)));
        }
        return ports;
    }
}

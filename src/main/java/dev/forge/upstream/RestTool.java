package dev.forge.upstream;

import dev.forge.protocol.Json;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One plain HTTP API call offered as an MCP tool. {@code {param}} in the URL is filled from the call's arguments
 * (URL-encoded); for POST, PUT and PATCH the remaining arguments are the JSON body. An optional JSONPath keeps
 * part of the answer.
 */
public record RestTool(String name, String description, String method, String urlTemplate, Map<String, String> headers,
                ObjectNode inputSchema, JsonPathFilter filter, java.util.List<String> tags) {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,64}");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

    /** Reads and checks a definition; a problem is an {@link IllegalArgumentException} naming the field. */
    public static RestTool of(ObjectNode spec) {
        String name = spec.path("name").asString(null);
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("body.name: '" + name + "' (expected: 1-64 of [a-zA-Z0-9_.-])");
        }
        String method = spec.path("request_type").asString(spec.path("method").asString("GET")).toUpperCase();
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("body.request_type: '" + method + "' (expected: one of " + METHODS + ")");
        }
        String url = spec.path("url").asString(null);
        try {
            URI probe = URI.create(url == null ? "" : url.replaceAll("\\{[^}]*}", "x"));
            if (!("http".equals(probe.getScheme()) || "https".equals(probe.getScheme())) || probe.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("body.url: '" + dev.forge.config.MaskedUrl.of(url) + "' (expected: an http(s) URL, {param} placeholders allowed)");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode h = spec.get("headers");
        if (h != null && !h.isNull()) {
            if (!h.isObject()) {
                throw new IllegalArgumentException("body.headers: expected an object of names to values");
            }
            h.properties().forEach(e -> headers.put(e.getKey(), e.getValue().asString()));
        }
        JsonNode schema = spec.has("input_schema") ? spec.get("input_schema") : spec.get("inputSchema");
        ObjectNode inputSchema;
        if (schema == null || schema.isNull()) {
            inputSchema = Json.object().put("type", "object");
        } else if (schema instanceof ObjectNode o && "object".equals(o.path("type").asString(null))) {
            inputSchema = o;
        } else {
            throw new IllegalArgumentException("body.input_schema: expected a JSON Schema with type: object");
        }
        String filter = spec.path("jsonpath_filter").asString(spec.path("output_filter").asString(null));
        JsonPathFilter parsed;
        try {
            parsed = filter == null || filter.isBlank() ? null : new JsonPathFilter(filter);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("body.jsonpath_filter: " + e.getMessage());
        }
        java.util.List<String> tags = new java.util.ArrayList<>();
        spec.path("tags").forEach(t -> tags.add(t.asString()));
        return new RestTool(name, spec.path("description").asString(null), method, url, Map.copyOf(headers), inputSchema,
                parsed, java.util.List.copyOf(tags));
    }

    ObjectNode definition() {
        ObjectNode tool = Json.object();
        tool.put("name", name);
        if (description != null) {
            tool.put("description", description);
        }
        tool.set("inputSchema", inputSchema);
        if (!tags.isEmpty()) {
            tags.forEach(tool.putArray("tags")::add);
        }
        return tool;
    }
}

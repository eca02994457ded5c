package dev.forge.upstream;

import dev.forge.config.LocalItemSource;
import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Forge's own MCP server for prompts and resources defined through the API, spoken to in-process. A prompt's
 * {@code template} has {@code {{argument}}} placeholders; required arguments must be given.
 */
final class LocalItemsTransport extends InProcessTransport {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_-]+)\\s*}}");

    private final LocalItemSource source;

    LocalItemsTransport(LocalItemSource source) {
        this.source = source;
    }

    @Override
    void started() {
        source.onChange(() -> announce("notifications/prompts/list_changed", "notifications/resources/list_changed"));
    }

    @Override
    ObjectNode answer(Message.Request request) {
        ObjectNode params = request.params();
        return switch (request.method()) {
            case "initialize" -> {
                ObjectNode caps = Json.object();
                caps.putObject("prompts").put("listChanged", true);
                caps.putObject("resources").put("listChanged", true);
                yield initialized(request, caps, "forge-local-items");
            }
            case "ping" -> Message.result(request.id(), Json.object()).node();
            case "prompts/list" -> {
                ObjectNode result = Json.object();
                ArrayNode list = result.putArray("prompts");
                for (ObjectNode p : source.prompts()) {
                    ObjectNode shown = list.addObject();
                    shown.put("name", p.path("name").asString());
                    if (p.hasNonNull("description")) shown.put("description", p.get("description").asString());
                    if (p.get("arguments") instanceof ArrayNode args) shown.set("arguments", args);
                }
                yield Message.result(request.id(), result).node();
            }
            case "prompts/get" -> getPrompt(request);
            case "resources/list" -> {
                ObjectNode result = Json.object();
                ArrayNode list = result.putArray("resources");
                for (ObjectNode r : source.resources()) {
                    ObjectNode shown = list.addObject();
                    shown.put("uri", r.path("uri").asString());
                    shown.put("name", r.path("name").asString(r.path("uri").asString()));
                    if (r.hasNonNull("description")) shown.put("description", r.get("description").asString());
                    // a link (imported without its text) is read as text/uri-list, so it is listed as one
                    shown.put("mimeType", r.path("content").isString() ? r.path("mime_type").asString("text/plain") : "text/uri-list");
                }
                yield Message.result(request.id(), result).node();
            }
            case "resources/templates/list" -> Message.result(request.id(), Json.object().set("resourceTemplates", Json.array())).node();
            case "resources/read" -> {
                String uri = params.path("uri").asString("");
                ObjectNode found = source.resources().stream().filter(r -> uri.equals(r.path("uri").asString(null))).findFirst().orElse(null);
                if (found == null) {
                    yield Message.error(request.id(), new JsonRpcError(JsonRpcError.RESOURCE_NOT_FOUND, "Resource not found: " + uri)).node();
                }
                ObjectNode result = Json.object();
                if (found.path("content").isString()) {
                    result.putArray("contents").addObject().put("uri", uri)
                            .put("mimeType", found.path("mime_type").asString("text/plain"))
                            .put("text", found.path("content").asString());
                } else { // a web page imported without its text: the link itself, never fetched by Forge
                    result.putArray("contents").addObject().put("uri", uri).put("mimeType", "text/uri-list").put("text", uri + "\r\n");
                }
                yield Message.result(request.id(), result).node();
            }
            default -> Message.error(request.id(), new JsonRpcError(JsonRpcError.METHOD_NOT_FOUND, "Method not found: " + request.method())).node();
        };
    }

    private ObjectNode getPrompt(Message.Request request) {
        String name = request.params().path("name").asString("");
        ObjectNode prompt = source.prompts().stream().filter(p -> name.equals(p.path("name").asString(null))).findFirst().orElse(null);
        if (prompt == null) {
            return Message.error(request.id(), new JsonRpcError(JsonRpcError.INVALID_PARAMS, "Unknown prompt: " + name)).node();
        }
        JsonNode given = request.params().path("arguments");
        for (JsonNode arg : prompt.path("arguments")) {
            if (arg.path("required").asBoolean(false) && !given.hasNonNull(arg.path("name").asString())) {
                return Message.error(request.id(), new JsonRpcError(JsonRpcError.INVALID_PARAMS,
                        "Missing required argument '" + arg.path("name").asString() + "' for prompt " + name)).node();
            }
        }
        Matcher m = PLACEHOLDER.matcher(prompt.path("template").asString(""));
        StringBuilder text = new StringBuilder();
        while (m.find()) {
            JsonNode value = given.get(m.group(1));
            m.appendReplacement(text, Matcher.quoteReplacement(value == null || value.isNull() ? "" : value.asString()));
        }
        m.appendTail(text);
        ObjectNode result = Json.object();
        if (prompt.hasNonNull("description")) {
            result.put("description", prompt.get("description").asString());
        }
        result.putArray("messages").addObject().put("role", "user").putObject("content").put("type", "text").put("text", text.toString());
        return Message.result(request.id(), result).node();
    }

    @Override
    public String kind() {
        return "local";
    }

}

package dev.forge.router;

import tools.jackson.databind.JsonNode;

/**
 * What the router embeds for a tool: what the tool is, in words — its name split into words, its title, its
 * description, and each parameter's name (split too) with its description.
 */
final class ToolText {

    private ToolText() {}

    static String of(IndexedTool tool) {
        JsonNode d = tool.definition();
        StringBuilder text = new StringBuilder(words(ToolIndex.bareName(tool)));
        String title = d.path("title").asString(d.path("annotations").path("title").asString(""));
        if (!title.isBlank()) {
            text.append(" (").append(title.strip()).append(')');
        }
        String description = d.path("description").asString("").strip();
        if (!description.isEmpty()) {
            text.append(": ").append(description);
        }
        StringBuilder params = new StringBuilder();
        d.path("inputSchema").path("properties").properties().forEach(p -> {
            params.append(params.isEmpty() ? "" : "; ").append(words(p.getKey()));
            String about = p.getValue().path("description").asString("").strip();
            if (!about.isEmpty()) {
                params.append(" - ").append(about);
            }
        });
        if (!params.isEmpty()) {
            text.append(" Parameters: ").append(params);
        }
        return text.toString();
    }

    /** {@code get_weatherForecast.v2} → {@code get weather forecast v2}. */
    static String words(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1 $2").replaceAll("[_.\\-/]+", " ").strip().toLowerCase(java.util.Locale.ROOT);
    }
}

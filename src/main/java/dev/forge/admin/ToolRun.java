package dev.forge.admin;

import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.RawResult;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tool tried from the console, as its client got it: the content items made readable (text as text, images shown,
 * resource links as links), whether the tool said it failed, what the gateway said if it refused, and what came
 * while it ran (progress, log lines). The whole answer is kept too, as JSON, for whoever wants to see it raw.
 *
 * @param state   {@code ok}, {@code tool-error} (the tool answered with {@code isError}), {@code refused} (the
 *                gateway or upstream answered with an error), {@code invalid} (the form was not sent)
 * @param summary one line saying how it went
 * @param invalid the form fields a refused form got wrong, space-separated, for the page's script to mark
 */
public record ToolRun(String state, String summary, List<Item> content, String structured, String raw, List<Note> notes,
                      List<String> problems, String invalid) {

    /** Base64 only: a data URI built from anything else is not shown. */
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=\\s]*");
    private static final Pattern IMAGE_TYPE = Pattern.compile("image/[a-z0-9.+-]+");

    /**
     * One content item.
     *
     * @param type    {@code text}, {@code image}, {@code audio}, {@code resource_link}, {@code resource}, or another
     *                the console does not show but by its JSON
     * @param dataUri an image's {@code data:} URI, when it is one the page may show
     */
    public record Item(String type, String text, String dataUri, String uri, String name, String mimeType, String description) {

        /** The resources list, searched for this item's URI. */
        public String resourcesHref() {
            return "/admin/resources?q=" + ToolsSection.encoded(uri == null ? "" : uri);
        }
    }

    /**
     * Something that came while the tool ran.
     *
     * @param percent how far along, when the tool said how far it had to go; -1 otherwise
     */
    public record Note(String kind, String text, int percent) {

        /** What the page shows of a message the upstream sent about the call, or null for one it does not show. */
        public static Note of(ObjectNode message) {
            String method = message.path("method").asString("");
            JsonNode params = message.path("params");
            if (message.has("id")) {
                return new Note("question", "The tool asked its client for " + method + "; the console cannot answer, so"
                        + " it was refused.", -1);
            }
            return switch (method) {
                case "notifications/progress" -> progress(params);
                case "notifications/message" -> new Note("log", params.path("level").asString("info") + ": "
                        + (params.path("data").isString() ? params.path("data").asString() : Json.text(params.path("data"))), -1);
                default -> null;
            };
        }

        private static Note progress(JsonNode params) {
            double done = params.path("progress").asDouble(0);
            boolean bounded = params.path("total").isNumber() && params.path("total").asDouble() > 0;
            double total = params.path("total").asDouble(0);
            String text = number(done) + (bounded ? " of " + number(total) : "")
                    + (params.path("message").isString() ? " — " + params.path("message").asString() : "");
            return new Note("progress", text, bounded ? (int) Math.round(Math.min(100, 100 * done / total)) : -1);
        }

        /** The note as the page's script shows it while the call runs. */
        public ObjectNode json() {
            return Json.object().put("kind", kind).put("text", text).put("percent", percent);
        }
    }

    public boolean succeeded() {
        return state.equals("ok");
    }

    /** The form was not sent: these problems (each naming its field) are why. */
    static ToolRun invalid(List<ToolForm.Problem> problems) {
        return new ToolRun("invalid", "The tool was not called: the form needs correcting.", List.of(), null, null, List.of(),
                problems.stream().map(ToolForm.Problem::message).toList(),
                String.join(" ", problems.stream().map(ToolForm.Problem::name).distinct().toList()));
    }

    /** The run as its answer (a whole JSON-RPC response) and the notes gathered meanwhile make it. */
    static ToolRun of(ObjectNode response, List<Note> notes, long millis) {
        String took = millis < 1000 ? millis + " ms" : String.format("%.1f s", millis / 1000.0);
        if (response.has("error")) {
            JsonNode error = response.path("error");
            int code = error.path("code").asInt();
            String why = code == JsonRpcError.ACCESS_DENIED ? "Refused by the gateway"
                    : code == JsonRpcError.REQUEST_TIMEOUT ? "Timed out"
                    : code == JsonRpcError.REQUEST_CANCELLED ? "Cancelled" : "Failed";
            return new ToolRun("refused", why + " after " + took + ": " + error.path("message").asString("") + " (" + code + ")",
                    List.of(), null, pretty(error), notes, List.of(), "");
        }
        JsonNode result = RawResult.materialize(response); // an answer passed on as the upstream's bytes: read it here
        result = result == null ? Json.object() : result;
        List<Item> content = new ArrayList<>();
        result.path("content").forEach(item -> content.add(item(item)));
        boolean failed = result.path("isError").asBoolean(false);
        String summary = (failed ? "The tool reported an error" : "Done") + " in " + took + ": " + content.size()
                + (content.size() == 1 ? " content item" : " content items")
                + (result.has("structuredContent") ? " and structured content" : "") + ".";
        return new ToolRun(failed ? "tool-error" : "ok", summary, content,
                result.has("structuredContent") ? pretty(result.get("structuredContent")) : null, pretty(result), notes, List.of(), "");
    }

    private static Item item(JsonNode item) {
        String type = item.path("type").asString("");
        String mime = item.path("mimeType").asString("");
        return switch (type) {
            case "text" -> new Item(type, item.path("text").asString(""), null, null, null, null, null);
            case "image" -> {
                String data = item.path("data").asString("");
                boolean showable = IMAGE_TYPE.matcher(mime).matches() && BASE64.matcher(data).matches();
                yield new Item(type, showable ? null : "An image the page cannot show (" + mime + ")",
                        showable ? "data:" + mime + ";base64," + data.replaceAll("\\s", "") : null, null, null, mime, null);
            }
            case "audio" -> new Item(type, "Audio, " + mime + ", " + item.path("data").asString("").length() * 3 / 4 + " bytes",
                    null, null, null, mime, null);
            case "resource_link" -> new Item(type, null, null, item.path("uri").asString(""), item.path("name").asString(""),
                    mime, item.path("description").asString(""));
            case "resource" -> {
                JsonNode resource = item.path("resource");
                String text = resource.has("text") ? resource.path("text").asString("")
                        : "Binary, " + resource.path("blob").asString("").length() * 3 / 4 + " bytes";
                yield new Item(type, text, null, resource.path("uri").asString(""), null, resource.path("mimeType").asString(""), null);
            }
            default -> new Item(type.isEmpty() ? "unknown" : type, pretty(item), null, null, null, null, null);
        };
    }

    private static String pretty(JsonNode node) {
        return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node);
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }
}

package dev.forge.upstream;

import dev.forge.config.MaskedUrl;
import dev.forge.config.RestToolSource;
import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Consumer;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Forge's own MCP server for REST-backed tools, spoken to in-process: it answers {@code initialize},
 * {@code tools/list} and {@code tools/call} (by calling the HTTP API), and says {@code list_changed} when the
 * definitions change. Everything else about an upstream (catalog, timeouts, guard) applies unchanged.
 */
final class RestToolsTransport extends InProcessTransport {

    private static final Logger LOG = LoggerFactory.getLogger(RestToolsTransport.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]+)}");
    private static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
    private static final Pattern HOST_PART = Pattern.compile("[A-Za-z0-9.-]{1,253}");

    private final RestToolSource source;
    private final HttpClient http;
    private final Duration timeout;
    private final Duration apiTimeout;
    private volatile Map<String, RestTool> tools = Map.of();

    RestToolsTransport(RestToolSource source, HttpClient http, Duration timeout) {
        this.source = source;
        this.http = http;
        this.timeout = timeout;
        // a little inside the call's own deadline: a slow API (maybe at a host the caller chose) is then the tool's
        // error result, not a gateway timeout counted against the breaker every REST tool shares
        this.apiTimeout = timeout.minus(timeout.dividedBy(10).compareTo(Duration.ofSeconds(1)) < 0 ? timeout.dividedBy(10) : Duration.ofSeconds(1));
    }

    @Override
    void started() {
        reload();
        source.onChange(() -> {
            reload();
            announce("notifications/tools/list_changed");
        });
    }

    private void reload() {
        Map<String, RestTool> next = new java.util.LinkedHashMap<>();
        for (ObjectNode spec : source.definitions()) {
            try {
                RestTool tool = RestTool.of(spec);
                next.put(tool.name(), tool);
            } catch (IllegalArgumentException e) {
                LOG.warn("REST tool {} skipped: {}", spec.path("name").asString("?"), e.getMessage());
            }
        }
        tools = Map.copyOf(next);
    }

    @Override
    ObjectNode answer(Message.Request request) {
        return switch (request.method()) {
            case "initialize" -> {
                ObjectNode capabilities = Json.object();
                capabilities.putObject("tools").put("listChanged", true);
                yield initialized(request, capabilities, "forge-rest-tools");
            }
            case "ping" -> Message.result(request.id(), Json.object()).node();
            case "tools/list" -> {
                ObjectNode result = Json.object();
                ArrayNode list = result.putArray("tools");
                tools.values().forEach(t -> list.add(t.definition()));
                yield Message.result(request.id(), result).node();
            }
            // a known tool's call is answered by respond, asynchronously; here only the unknown one
            case "tools/call" -> Message.error(request.id(), new JsonRpcError(JsonRpcError.INVALID_PARAMS,
                    "Unknown tool: " + request.params().path("name").asString(""))).node();
            default -> Message.error(request.id(), new JsonRpcError(JsonRpcError.METHOD_NOT_FOUND, "Method not found: " + request.method())).node();
        };
    }

    /**
     * A tool call goes out on the HTTP client without a thread waiting for it: the answer is made in the client's
     * completion callback. Everything else is answered at once; none of it does I/O.
     */
    @Override
    void respond(Message.Request request, Consumer<ObjectNode> reply) {
        if (!"tools/call".equals(request.method())) {
            reply.accept(answerSafely(request));
            return;
        }
        RestTool tool = tools.get(request.params().path("name").asString(""));
        if (tool == null) {
            reply.accept(answer(request));
            return;
        }
        JsonNode id = request.id();
        Object prepared;
        try {
            prepared = prepare(tool, request.params().path("arguments"));
        } catch (RuntimeException e) {
            LOG.warn("REST tool {} failed", tool.name(), e);
            reply.accept(null);
            return;
        }
        if (prepared instanceof ObjectNode failed) {
            reply.accept(Message.result(id, failed).node());
            return;
        }
        ((Request) prepared).send(new ApiAnswer(tool, id, reply));
    }

    /**
     * Reads the API's answer into one array of its announced size (bounded) and turns it into the tool's result when
     * the exchange completes, on the HTTP client's thread.
     */
    private static final class ApiAnswer implements Response.Listener {
        private final RestTool tool;
        private final JsonNode id;
        private final Consumer<ObjectNode> reply;
        private byte[] body = new byte[0];
        private int length;
        private boolean tooLarge;

        ApiAnswer(RestTool tool, JsonNode id, Consumer<ObjectNode> reply) {
            this.tool = tool;
            this.id = id;
            this.reply = reply;
        }

        @Override
        public void onHeaders(Response response) {
            long announced = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
            body = new byte[(int) Math.min(MAX_RESPONSE_BYTES, announced > 0 ? announced : 1024)];
        }

        @Override
        public void onContent(Response response, ByteBuffer chunk) {
            int n = chunk.remaining();
            if (tooLarge || length + n > MAX_RESPONSE_BYTES) {
                tooLarge = true;
                chunk.position(chunk.limit()); // the rest is read and dropped; the result says why
                return;
            }
            if (length + n > body.length) {
                body = Arrays.copyOf(body, Math.min(MAX_RESPONSE_BYTES, Math.max(length + n, body.length * 2)));
            }
            chunk.get(body, length, n);
            length += n;
        }

        @Override
        public void onComplete(Result outcome) {
            ObjectNode result;
            try {
                result = outcome.isFailed() ? unreachable(outcome.getFailure())
                        : tooLarge ? error("the response is larger than " + MAX_RESPONSE_BYTES + " bytes")
                        : toResult(tool, outcome.getResponse().getStatus(), body, length);
            } catch (RuntimeException e) {
                LOG.warn("REST tool {} failed", tool.name(), e);
                reply.accept(null);
                return;
            }
            reply.accept(Message.result(id, result).node());
        }
    }

    /** The HTTP request for one call, or the tool's error result when the arguments do not make one. */
    private Object prepare(RestTool tool, JsonNode arguments) {
        Set<String> used = new HashSet<>();
        String url;
        if (tool.urlTemplate().indexOf('{') < 0) {
            url = tool.urlTemplate();
        } else {
            Matcher m = PLACEHOLDER.matcher(tool.urlTemplate());
            StringBuilder built = new StringBuilder();
            int authorityEnd = authorityEnd(tool.urlTemplate());
            while (m.find()) {
                JsonNode value = arguments.get(m.group(1));
                if (value == null || value.isNull()) {
                    return error("missing argument '" + m.group(1) + "' for the URL");
                }
                String text = value.asString();
                // encoding cannot make a host of a value: one that is not a plain name is the caller's mistake
                if (m.start() < authorityEnd && !HOST_PART.matcher(text).matches()) {
                    return error("argument " + m.group(1) + ": '" + abbreviate(text) + "' (expected: a host name of letters, digits, dots and hyphens)");
                }
                used.add(m.group(1));
                m.appendReplacement(built, Matcher.quoteReplacement(URLEncoder.encode(text, StandardCharsets.UTF_8)));
            }
            m.appendTail(built);
            url = built.toString();
        }
        URI target;
        try {
            target = URI.create(url);
        } catch (IllegalArgumentException e) {
            target = null;
        }
        if (target == null || target.getHost() == null) {
            return error("arguments " + used + " do not make a valid URL (expected: values that fit the tool's URL)");
        }
        Request request = http.newRequest(target).method(tool.method())
                .timeout(apiTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .headers(h -> tool.headers().forEach(h::put));
        if (List.of("POST", "PUT", "PATCH").contains(tool.method())) {
            ObjectNode body = Json.object();
            arguments.properties().forEach(e -> {
                if (!used.contains(e.getKey())) body.set(e.getKey(), e.getValue());
            });
            request.body(new BytesRequestContent("application/json", Json.bytes(body)));
        }
        return request;
    }

    /** The caller learns why, not where: the URL (host, path, query) is the operator's business. */
    private static ObjectNode unreachable(Throwable failure) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        return error("cannot reach the tool's API: " + MaskedUrl.inText(String.valueOf(cause.getMessage())));
    }

    /** The API's answer as a tool result; its failures are results with {@code isError}, as MCP asks. */
    private static ObjectNode toResult(RestTool tool, int status, byte[] bytes, int length) {
        String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
        if (status >= 400) {
            return error("HTTP " + status + " from the tool's API" + (text.isBlank() ? "" : ": " + MaskedUrl.inText(abbreviate(text))));
        }
        ObjectNode result = Json.object();
        JsonNode parsed = null;
        try {
            parsed = text.isBlank() ? null : Json.mapper().readTree(bytes, 0, length);
        } catch (RuntimeException notJson) {
            // plain text: passed on as it is
        }
        if (parsed != null && tool.filter() != null) {
            parsed = tool.filter().apply(parsed);
        }
        String shown = parsed == null ? text : parsed.isString() ? parsed.asString() : Json.text(parsed);
        result.putArray("content").addObject().put("type", "text").put("text", shown);
        if (parsed instanceof ObjectNode structured) {
            result.set("structuredContent", structured);
        }
        return result;
    }

    /** Where the URL's authority (user, host, port) ends in the template: placeholders before it fill the host. */
    private static int authorityEnd(String template) {
        int start = template.indexOf("://");
        if (start < 0) {
            return 0;
        }
        int end = template.indexOf('/', start + 3);
        return end < 0 ? template.length() : end;
    }

    private static ObjectNode error(String message) {
        ObjectNode result = Json.object();
        result.putArray("content").addObject().put("type", "text").put("text", message);
        result.put("isError", true);
        return result;
    }

    private static String abbreviate(String text) {
        return text.length() <= 500 ? text : text.substring(0, 500) + "…";
    }

    @Override
    public String kind() {
        return "rest";
    }
}

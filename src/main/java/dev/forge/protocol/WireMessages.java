package dev.forge.protocol;

import java.util.Arrays;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the JSON-RPC messages an upstream sends. A plain answer ({@code jsonrpc}, a numeric {@code id} and a
 * {@code result} object, nothing else) is read with the streaming parser, which checks every byte of it as JSON but
 * builds no tree: its result is kept as the bytes it came as ({@link RawResult}), so an answer the gateway only passes
 * on is never parsed into objects nor serialised again; only its small envelope is new. Anything else (requests,
 * notifications, errors, batches, an answer spread over several lines) is parsed into a tree as before.
 */
public final class WireMessages {

    private WireMessages() {}

    /** One message or a batch; throws what the JSON parser throws for bytes that are not JSON. */
    public static JsonNode read(byte[] data, int offset, int length) {
        ObjectNode answer = plainAnswer(data, offset, length);
        return answer != null ? answer : Json.mapper().readTree(data, offset, length);
    }

    /** The answer with a raw result, or null when the message is anything but a plain answer (or not valid JSON). */
    private static ObjectNode plainAnswer(byte[] data, int offset, int length) {
        long id = 0;
        boolean hasId = false;
        boolean versioned = false;
        int start = -1;
        int end = -1;
        boolean toolError = false;
        try (JsonParser p = Json.mapper().createParser(data, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.PROPERTY_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "jsonrpc" -> {
                        if (versioned || value != JsonToken.VALUE_STRING || !"2.0".equals(p.getString())) {
                            return null;
                        }
                        versioned = true;
                    }
                    case "id" -> {
                        if (hasId || value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                            return null; // the gateway's own ids are longs; anything else is not an answer to pass on
                        }
                        id = p.getLongValue();
                        hasId = true;
                    }
                    case "result" -> {
                        if (start >= 0 || value != JsonToken.START_OBJECT) {
                            return null;
                        }
                        start = (int) p.currentTokenLocation().getByteOffset();
                        toolError = skipResult(p);
                        end = (int) p.currentLocation().getByteOffset();
                    }
                    default -> {
                        return null; // a field we would have to carry: keep the whole message as a tree
                    }
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null || !versioned || !hasId || start < 0) {
                return null;
            }
        } catch (RuntimeException notPlainJson) {
            return null; // the tree parser says what is wrong with it
        }
        int from = offset + start;
        int to = offset + end;
        for (int i = from; i < to; i++) {
            if (data[i] == '\n' || data[i] == '\r') {
                return null; // whitespace between tokens, but it would break an SSE data line when written out as is
            }
        }
        ObjectNode answer = Json.object();
        answer.put("jsonrpc", "2.0");
        answer.put("id", id);
        answer.set("result", new RawResult(Arrays.copyOfRange(data, from, to), toolError).node());
        return answer;
    }

    /**
     * Reads through the result object (the parser on its start); true when its {@code isError} is {@code true}. An
     * {@code isError} given twice is refused (the tree path decides): clients might read either one.
     */
    private static boolean skipResult(JsonParser p) {
        Boolean toolError = null;
        for (JsonToken t = p.nextToken(); t == JsonToken.PROPERTY_NAME; t = p.nextToken()) {
            boolean isErrorField = "isError".equals(p.currentName());
            JsonToken value = p.nextToken();
            if (isErrorField) {
                if (toolError != null) {
                    throw new IllegalStateException("isError given twice");
                }
                toolError = value == JsonToken.VALUE_TRUE;
            }
            p.skipChildren();
        }
        return Boolean.TRUE.equals(toolError);
    }
}

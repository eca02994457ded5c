package dev.forge.dispatch;

import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.JsonRpcException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Our own pagination over merged lists: an opaque cursor that encodes where the next page starts. */
final class Pages {

    private final int pageSize;

    Pages(int pageSize) {
        this.pageSize = pageSize;
    }

    ObjectNode page(List<ObjectNode> items, String key, JsonNode cursorNode) {
        int start = cursorNode == null || cursorNode.isNull() ? 0 : decode(cursorNode);
        if (start > items.size()) {
            throw new JsonRpcException(JsonRpcError.INVALID_PARAMS, "Invalid params: cursor is past the end of the list");
        }
        int end = Math.min(items.size(), start + pageSize);
        ObjectNode result = Json.object();
        ArrayNode array = result.putArray(key);
        for (int i = start; i < end; i++) {
            array.add(items.get(i));
        }
        if (end < items.size()) {
            result.put("nextCursor", encode(end));
        }
        return result;
    }

    private static String encode(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("o:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int decode(JsonNode cursor) {
        if (!cursor.isString()) {
            throw new JsonRpcException(JsonRpcError.INVALID_PARAMS, "Invalid params: cursor is " + cursor.getNodeType()
                    + " (expected: a string this server issued)");
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor.asString()), StandardCharsets.UTF_8);
            if (!text.startsWith("o:")) {
                throw new IllegalArgumentException(text);
            }
            int offset = Integer.parseInt(text.substring(2));
            if (offset < 0) {
                throw new IllegalArgumentException(text);
            }
            return offset;
        } catch (IllegalArgumentException e) {
            throw new JsonRpcException(JsonRpcError.INVALID_PARAMS, "Invalid params: cursor '" + cursor.asString() + "' was not issued by this server");
        }
    }
}

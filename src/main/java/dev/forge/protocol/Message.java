package dev.forge.protocol;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One JSON-RPC message, kept as the tree it arrived as so that fields we do not know (and {@code _meta}) survive
 * a trip through the gateway. The record holds the node; accessors read it.
 */
public sealed interface Message permits Message.Request, Message.Notification, Message.Response {

    ObjectNode node();

    /** A call that expects a response. */
    record Request(ObjectNode node) implements Message {
        public JsonNode id() {
            return node.get("id");
        }

        public String method() {
            return node.get("method").stringValue();
        }

        /** The params object, or an empty one when the request carried none. */
        public ObjectNode params() {
            JsonNode params = node.get("params");
            return params instanceof ObjectNode object ? object : Json.object();
        }
    }

    /** A one-way message. */
    record Notification(ObjectNode node) implements Message {
        public String method() {
            return node.get("method").stringValue();
        }

        public ObjectNode params() {
            JsonNode params = node.get("params");
            return params instanceof ObjectNode object ? object : Json.object();
        }
    }

    /** A result or an error answering a request. */
    record Response(ObjectNode node) implements Message {
        public JsonNode id() {
            return node.get("id");
        }

        public boolean isError() {
            return node.has("error");
        }

        public JsonNode result() {
            return node.get("result");
        }
    }

    static Request request(JsonNode id, String method, ObjectNode params) {
        ObjectNode node = Json.object();
        node.put("jsonrpc", "2.0");
        node.set("id", id);
        node.put("method", method);
        if (params != null) {
            node.set("params", params);
        }
        return new Request(node);
    }

    static Notification notification(String method, ObjectNode params) {
        ObjectNode node = Json.object();
        node.put("jsonrpc", "2.0");
        node.put("method", method);
        if (params != null) {
            node.set("params", params);
        }
        return new Notification(node);
    }

    static Response result(JsonNode id, JsonNode result) {
        ObjectNode node = Json.object();
        node.put("jsonrpc", "2.0");
        node.set("id", id);
        node.set("result", result);
        return new Response(node);
    }

    static Response error(JsonNode id, JsonRpcError error) {
        ObjectNode node = Json.object();
        node.put("jsonrpc", "2.0");
        node.set("id", id == null ? Json.mapper().nullNode() : id);
        node.set("error", error.toNode());
        return new Response(node);
    }

    /**
     * Classifies one JSON value as a message, or throws {@code -32600} naming what is wrong with it.
     */
    static Message of(JsonNode value) {
        if (!(value instanceof ObjectNode node)) {
            throw new JsonRpcException(JsonRpcError.INVALID_REQUEST, "Invalid Request: expected a JSON object, got " + value.getNodeType());
        }
        JsonNode version = node.get("jsonrpc");
        if (version == null || !"2.0".equals(version.stringValue(null))) {
            throw new JsonRpcException(JsonRpcError.INVALID_REQUEST, "Invalid Request: jsonrpc must be \"2.0\"");
        }
        JsonNode method = node.get("method");
        JsonNode id = node.get("id");
        if (method != null) {
            if (!method.isString() || method.stringValue().isEmpty()) {
                throw new JsonRpcException(JsonRpcError.INVALID_REQUEST, "Invalid Request: method must be a non-empty string");
            }
            JsonNode params = node.get("params");
            if (params != null && !params.isObject() && !params.isNull()) {
                throw new JsonRpcException(JsonRpcError.INVALID_REQUEST, "Invalid Request: params must be an object");
            }
            if (id == null) {
                return new Notification(node);
            }
            if (!id.isString() && !id.isIntegralNumber()) {
                throw new JsonRpcException(JsonRpcError.INVALID_REQUEST, "Invalid Request: id must be a string or an integer");
            }
            return new Request(node);
        }
        if (id != null && (node.has("result") || node.has("error"))) {
            return new Response(node);
        }
        throw new JsonRpcException(JsonRpcError.INVALID_REQUEST, "Invalid Request: neither a request, a notification nor a response");
    }
}

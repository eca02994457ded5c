package dev.forge.store;

import dev.forge.protocol.Json;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * The stored record a sealed value belongs to: its table and id, which never change, and its name, which may and so
 * appears only in messages.
 */
record SecretOwner(String table, String id, String name) {

    static SecretOwner gateway(String id, String name) {
        return new SecretOwner("gateways", id, name);
    }

    static SecretOwner restTool(String id, String name) {
        return new SecretOwner("rest_tools", id, name);
    }

    /**
     * Where one value lives, e.g. {@code gateways/<id>/headers/Authorization}, or {@code gateways/<id>/url} for a field
     * that is one value (key null). Table, id (a UUID) and field hold no '/', so two different places never share a path.
     */
    String path(String field, String key) {
        return table + "/" + id + "/" + field + (key == null ? "" : "/" + key);
    }

    /** The associated data of a value that is sealed by its place alone (the url). */
    byte[] associatedData(String field, String key) {
        return path(field, key).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The associated data of a credential: its place and where it is sent ({@code destination}: the url's origin for a
     * header, the command for an environment value; null for none), as a JSON array, which keeps the two apart
     * whatever characters a key holds.
     */
    byte[] associatedData(String field, String key, JsonNode destination) {
        ArrayNode both = Json.array().add(path(field, key));
        if (destination == null) {
            both.addNull();
        } else {
            both.add(destination);
        }
        return Json.bytes(both);
    }

    /** The place, for messages: its path and the record's name. */
    String describe(String field, String key) {
        return path(field, key) + " (" + ("gateways".equals(table) ? "gateway" : "REST tool") + " '" + name + "')";
    }
}

package dev.forge.store;

import java.nio.charset.StandardCharsets;

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
     * Where one value lives, e.g. {@code gateways/<id>/headers/Authorization}: the associated data it is sealed with.
     * Table, id (a UUID) and field hold no '/', so two different places never share a path.
     */
    String path(String field, String key) {
        return table + "/" + id + "/" + field + "/" + key;
    }

    byte[] associatedData(String field, String key) {
        return path(field, key).getBytes(StandardCharsets.UTF_8);
    }

    /** The place, for messages: its path and the record's name. */
    String describe(String field, String key) {
        return path(field, key) + " (" + ("gateways".equals(table) ? "gateway" : "REST tool") + " '" + name + "')";
    }
}

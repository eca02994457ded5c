package dev.forge.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Upstream names no gateway may take, each with the part of Forge that owns it, and the refusals that say so. Kept
 * whatever roles run: a gateway named like the router's meta-tools would collide with them once that role is on.
 */
final class ReservedNames {

    private final Map<String, String> owners = new ConcurrentHashMap<>(Map.of(
            RestToolRegistry.UPSTREAM, "Forge's REST tools",
            LocalItemRegistry.UPSTREAM, "Forge's own prompts and resources"));

    /** Claims a name for another of Forge's parts (a managed service). */
    void reserve(String name, String owner) {
        owners.putIfAbsent(name, owner);
    }

    /** Who owns this name, or null if a gateway may take it. */
    String owner(String name) {
        return name == null ? null : owners.get(name);
    }

    /** 409 if a gateway may not take this name. */
    void refuse(String field, String name) {
        String owner = owner(name);
        if (owner != null) {
            throw new RegistryException(409, reserved(field, name, owner));
        }
    }

    /** 409 for a write to a built-in that has no registration of its own. */
    RegistryException builtIn(String name) {
        return new RegistryException(409, "gateway '" + name + "' is built in (" + owner(name)
                + "): it cannot be changed or deleted through /gateways (expected: a registered gateway)");
    }

    static String reserved(String field, String name, String owner) {
        return field + ": '" + name + "' is reserved for " + owner + " (expected: another name)";
    }

    static RegistryException taken(String name) {
        return new RegistryException(409, "body.name: '" + name + "' is taken by a running upstream that is not a "
                + "registered gateway (expected: another name)");
    }
}

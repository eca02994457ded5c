package dev.forge.registry;

import dev.forge.config.ConfigException;
import dev.forge.config.MaskedUrl;
import dev.forge.config.ShellWords;
import dev.forge.config.UrlOrigin;
import dev.forge.store.GatewayRecord;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A gateway update that carries what GET and exports show masked ({@code ***}): {@code PUT /gateways/{id}} of a body
 * read back, and an import with {@code conflict=update}.
 */
final class MaskedUpdate {

    private MaskedUpdate() {}

    /**
     * An update read back from GET or an export, its masked parts resolved against what {@code existing} stores. The
     * url shown masked keeps the stored one. A masked header keeps its stored value only while the url's origin is
     * the same, a masked environment value only while the command is: a stored credential never follows a changed
     * destination, so a new host or program needs the value itself (an admin may replace a credential, not redirect it).
     */
    static ObjectNode unmasked(ObjectNode item, GatewayRecord existing) {
        ObjectNode copy = item.deepCopy();
        ObjectNode stored = existing.spec();
        String storedUrl = text(stored.get("url"));
        String sentUrl = text(copy.get("url"));
        if (sentUrl != null && storedUrl != null && sentUrl.equals(MaskedUrl.of(storedUrl))) {
            copy.put("url", storedUrl);
            sentUrl = storedUrl;
        } else if (sentUrl != null && sentUrl.contains(RegistryTransfer.MASK)) {
            // keeping the stored url would silently drop whatever else was edited in it
            throw new RegistryException(422, "body.url: shown masked; send the whole url to change it");
        }
        keepMasked(copy, stored, "headers", Objects.equals(UrlOrigin.of(sentUrl), UrlOrigin.of(storedUrl)), "the url's origin");
        keepMasked(copy, stored, "env", sameCommand(copy.get("command"), stored.get("command")), "the command");
        return copy;
    }

    /** Replaces each {@code ***} under {@code field} with the stored value, if {@code sameDestination}; refuses otherwise. */
    private static void keepMasked(ObjectNode copy, ObjectNode stored, String field, boolean sameDestination, String destination) {
        if (!(copy.get(field) instanceof ObjectNode values)) {
            return;
        }
        for (String key : List.copyOf(values.propertyNames())) {
            if (!RegistryTransfer.MASK.equals(text(values.get(key)))) {
                continue;
            }
            JsonNode kept = stored.path(field).get(key);
            if (kept == null) {
                throw new RegistryException(422, "body." + field + "." + key + ": '" + RegistryTransfer.MASK
                        + "' but nothing is stored under that name (expected: the value itself)");
            }
            if (!sameDestination) {
                throw new RegistryException(422, "body." + field + "." + key + ": '" + RegistryTransfer.MASK
                        + "' keeps the stored value only while " + destination + " is unchanged (expected: the value itself)");
            }
            values.set(key, kept);
        }
    }

    /** Whether two commands run the same words, one a list and the other a command line or both alike. */
    private static boolean sameCommand(JsonNode sent, JsonNode stored) {
        try {
            return Objects.equals(words(sent), words(stored));
        } catch (ConfigException e) {
            return false; // a command line that does not split is refused by validation anyway
        }
    }

    private static List<String> words(JsonNode command) {
        if (command == null || command.isNull()) {
            return null;
        }
        if (command.isArray()) {
            return command.valueStream().map(w -> w.isValueNode() ? w.asString() : w.toString()).toList();
        }
        return ShellWords.split("body.command", command.asString());
    }

    private static String text(JsonNode node) {
        return node != null && node.isString() ? node.asString() : null;
    }
}

package dev.forge.store;

import dev.forge.config.MaskedUrl;
import dev.forge.config.UrlOrigin;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The parts of a stored spec that {@link SecretBox} seals, and what each is bound to: every value under
 * {@code headers} and {@code env}, bound to where it is sent, and the {@code url} when it carries a credential.
 */
final class SealedParts {

    static final String[] FIELDS = {"headers", "env"};
    static final String URL = "url";

    private SealedParts() {}

    /** Replaces the value at one place, given where the values of its field are sent; null keeps it. */
    @FunctionalInterface
    interface Rewrite {
        String apply(String field, String name, String text, JsonNode destination);
    }

    /** Applies {@code rewrite} to every value under headers and env: a copy if any changed, else {@code spec} itself. */
    static ObjectNode rewrite(ObjectNode spec, Rewrite rewrite) {
        ObjectNode copy = spec;
        for (String field : FIELDS) {
            if (spec.get(field) instanceof ObjectNode values) {
                JsonNode destination = destination(spec, field);
                for (Map.Entry<String, JsonNode> e : values.properties()) {
                    String replaced = rewrite.apply(field, e.getKey(), e.getValue().asString(), destination);
                    if (replaced != null) {
                        if (copy == spec) {
                            copy = spec.deepCopy();
                        }
                        ((ObjectNode) copy.get(field)).put(e.getKey(), replaced);
                    }
                }
            }
        }
        return copy;
    }

    /** Whether any value of the record is sealed in the current format (the first one bound nothing, so proves nothing). */
    static boolean hasCurrentFormat(ObjectNode stored) {
        if (stored.get(URL) instanceof JsonNode url && url.asString("").startsWith(SecretBox.V2)) {
            return true;
        }
        for (String field : FIELDS) {
            if (stored.get(field) instanceof ObjectNode values
                    && values.valueStream().anyMatch(v -> v.asString("").startsWith(SecretBox.V2))) {
                return true;
            }
        }
        return false;
    }

    /** Whether a value is sealed, in either format. */
    static boolean isSealed(String text) {
        return text.startsWith(SecretBox.V2) || text.startsWith(SecretBox.V1);
    }

    /** The url, if the spec has one as text. */
    static String url(ObjectNode spec) {
        return spec.get(URL) instanceof JsonNode url && url.isString() ? url.asString() : null;
    }

    /**
     * Whether a url is stored sealed: when it has a user part or a query (what {@link MaskedUrl} hides, so what may be
     * a credential), or looks sealed (a ciphertext handed in is not ours). Others stay readable in the database.
     */
    static boolean sealsUrl(String url) {
        int fragment = url.indexOf('#');
        String bare = fragment < 0 ? url : url.substring(0, fragment); // the fragment is never sent, so never a credential
        return isSealed(bare) || !MaskedUrl.of(bare).equals(bare);
    }

    /** {@code spec} with this url: {@code spec} itself if it is already a copy of {@code original}, else a new copy. */
    static ObjectNode withUrl(ObjectNode spec, ObjectNode original, String url) {
        ObjectNode copy = spec == original ? original.deepCopy() : spec;
        copy.put(URL, url);
        return copy;
    }

    /**
     * Where a field's values are sent, sealed with each of them so that a value goes nowhere else: the url's origin
     * for headers (its path and query may change), the command for environment values. {@code plain}'s url is open.
     */
    static JsonNode destination(ObjectNode plain, String field) {
        if ("headers".equals(field)) {
            String url = url(plain);
            return url == null ? null : JsonNodeFactory.instance.stringNode(UrlOrigin.of(url));
        }
        return plain.get("command");
    }
}

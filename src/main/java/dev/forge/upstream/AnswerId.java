package dev.forge.upstream;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Finds the JSON-RPC id of a message from only its first and last bytes (all that is kept of an answer too large to
 * read): a top-level {@code "id"} near the start, as most servers write it, or an {@code "id":N} that closes the
 * message, as serializers that put {@code result} first do. An {@code "id"} nested inside the result is not taken.
 */
final class AnswerId {

    static final long NONE = -1;
    private static final Pattern CLOSING_ID = Pattern.compile("\"id\"\\s*:\\s*(\\d{1,18})\\s*}\\s*$");

    private AnswerId() {}

    static long of(byte[] head, byte[] tail) {
        long id = fromHead(head);
        if (id != NONE) {
            return id;
        }
        Matcher m = CLOSING_ID.matcher(new String(tail, StandardCharsets.ISO_8859_1));
        return m.find() ? Long.parseLong(m.group(1)) : NONE;
    }

    /** Scans the object's top level: strings are skipped, nesting is counted, only a depth-1 key "id" counts. */
    private static long fromHead(byte[] head) {
        int depth = 0;
        for (int i = 0; i < head.length; i++) {
            byte b = head[i];
            if (b == '"') {
                int start = i + 1;
                i = start;
                while (i < head.length && head[i] != '"') {
                    i += head[i] == '\\' ? 2 : 1;
                }
                long id = depth == 1 && i - start == 2 && head[start] == 'i' && head[start + 1] == 'd' ? number(head, i + 1) : NONE;
                if (id != NONE) {
                    return id;
                }
            } else if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                depth--;
            }
        }
        return NONE;
    }

    /** The integer after {@code :} at {@code from}, or NONE (a string id is not one of ours). */
    private static long number(byte[] bytes, int from) {
        int i = from;
        while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\t')) {
            i++;
        }
        if (i == bytes.length || bytes[i++] != ':') {
            return NONE; // a value "id", not the key
        }
        while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\t')) {
            i++;
        }
        long value = 0;
        int digits = 0;
        while (i < bytes.length && bytes[i] >= '0' && bytes[i] <= '9' && digits < 18) {
            value = value * 10 + (bytes[i++] - '0');
            digits++;
        }
        return digits == 0 || i == bytes.length ? NONE : value;
    }

    /** Ids compared as JSON values: a number we sent as a long may come back parsed as an int. */
    static boolean same(JsonNode ours, JsonNode theirs) {
        if (theirs == null) {
            return false;
        }
        if (ours.isNumber() && theirs.isNumber()) {
            return ours.canConvertToLong() && theirs.canConvertToLong() && ours.asLong() == theirs.asLong();
        }
        return ours.equals(theirs);
    }
}

package dev.forge.transport;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Unguessable ids for what only the replica that made them can serve (a modern call's {@code requestState}, a task):
 * {@code prefix-tag-random} among replicas, {@code prefix-random} for a process on its own. The tag lets whichever
 * replica a later request lands on find the one that holds the call.
 */
final class ReplicaIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ReplicaIds() {}

    static String make(String prefix, String tag) {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return prefix + "-" + (tag == null ? "" : tag + "-") + HexFormat.of().formatHex(bytes);
    }

    /** The tag in an id made by {@link #make} with this prefix; null when it names no replica (or is not ours at all). */
    static String tagOf(String id, String prefix) {
        if (id == null || !id.startsWith(prefix + "-")) {
            return null;
        }
        int start = prefix.length() + 1;
        int end = id.indexOf('-', start);
        if (end < 0 || end == start || end - start > 16) {
            return null;
        }
        for (int i = start; i < end; i++) { // a tag is hex (a replica's random name); anything else names none
            if (Character.digit(id.charAt(i), 16) < 0) {
                return null;
            }
        }
        return id.substring(start, end);
    }
}

package dev.forge.dispatch;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts clients subscribed to each resource on a shared upstream session, so the upstream hears subscribe from
 * the first and unsubscribe from the last, not from every client.
 */
final class ResourceSubscriptions {

    private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

    /** Counts one more subscriber; true if it is the first. */
    boolean add(String key) {
        return counts.merge(key, 1, Integer::sum) == 1;
    }

    /** Counts one subscriber less; true if it was the last. */
    boolean remove(String key) {
        boolean[] last = {false};
        counts.computeIfPresent(key, (k, n) -> {
            last[0] = n == 1;
            return n == 1 ? null : n - 1;
        });
        return last[0];
    }
}

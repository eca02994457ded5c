package dev.forge.upstream;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * Progress tokens as upstreams see them: each client token is replaced by one of ours for the life of the call,
 * so two clients that pick the same token never see each other's progress.
 */
public final class ProgressTokens {

    /** Whose token ours stands for. */
    record Registration(Caller caller, JsonNode clientToken) {}

    private final ConcurrentHashMap<String, Registration> tokens = new ConcurrentHashMap<>();
    private final AtomicLong counter = new AtomicLong();

    String register(Caller caller, JsonNode clientToken) {
        String ours = "forge-progress-" + counter.incrementAndGet();
        tokens.put(ours, new Registration(caller, clientToken));
        return ours;
    }

    Registration lookup(String ours) {
        return tokens.get(ours);
    }

    void release(String ours) {
        tokens.remove(ours);
    }

    int size() {
        return tokens.size();
    }
}

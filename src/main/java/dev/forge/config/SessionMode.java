package dev.forge.config;

/** Whether clients share one upstream session or each get their own. */
public enum SessionMode {
    /** One upstream session per downstream session: no state leaks between clients. */
    PER_CLIENT,
    /** One upstream session for every client: only for stateless servers. */
    SHARED;

    static SessionMode parse(String where, String value) {
        return switch (value) {
            case "per-client" -> PER_CLIENT;
            case "shared" -> SHARED;
            default -> throw new ConfigException(where + ": '" + value + "' (expected: per-client | shared)");
        };
    }
}

package dev.forge.upstream;

/** Where an upstream is in its life, as shown in /health and the metrics. */
public enum UpstreamState {
    CONNECTING, READY, FAILED, STOPPED,
    /** Its process was stopped to free memory; its lists stay in the catalog and the next call wakes it. */
    SLEEPING;

    /** True if the upstream's tools belong in the catalog. */
    public boolean serves() {
        return this == READY || this == SLEEPING;
    }

    public String label() {
        return name().toLowerCase();
    }
}

package dev.forge.upstream;

/** Where an upstream is in its life, as shown in /health and the metrics. */
public enum UpstreamState {
    CONNECTING, READY, FAILED, STOPPED;

    public String label() {
        return name().toLowerCase();
    }
}

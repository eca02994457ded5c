package dev.forge.config;

/**
 * Bounds on what one upstream may cost the gateway, whatever it sends or however many clients use it.
 *
 * @param maxMessageBytes               the largest message read from a stdio upstream
 *                                      ({@code MAX_UPSTREAM_MESSAGE_BYTES}); a larger answer fails its call
 * @param maxListItems                  items one list (tools, resources, …) may have across all its pages
 *                                      ({@code MAX_UPSTREAM_LIST_ITEMS})
 * @param maxClientProcessesPerUpstream processes a {@code per-client} stdio upstream may run at once
 *                                      ({@code MAX_CLIENT_PROCESSES_PER_UPSTREAM})
 * @param maxClientProcessesTotal       per-client processes of all upstreams together ({@code MAX_CLIENT_PROCESSES})
 */
public record UpstreamLimits(int maxMessageBytes, int maxListItems, int maxClientProcessesPerUpstream,
                             int maxClientProcessesTotal) {

    /**
     * 16 MiB holds any real tool answer (images are base64 in a few MiB) yet caps what one line costs; 10,000 items is
     * ten times the largest catalogs seen; 32 processes per upstream and 128 in all keep a few hundred MiB of Node
     * servers (about 50-80 MiB each) below what a small host has to spare.
     */
    public static final UpstreamLimits DEFAULTS = new UpstreamLimits(16 * 1024 * 1024, 10_000, 32, 128);

    public UpstreamLimits {
        check("MAX_UPSTREAM_MESSAGE_BYTES", maxMessageBytes, 1024);
        check("MAX_UPSTREAM_LIST_ITEMS", maxListItems, 1);
        check("MAX_CLIENT_PROCESSES_PER_UPSTREAM", maxClientProcessesPerUpstream, 1);
        check("MAX_CLIENT_PROCESSES", maxClientProcessesTotal, 1);
    }

    private static void check(String name, int value, int least) {
        if (value < least) {
            throw new ConfigException(name + ": " + value + " (expected: an integer >= " + least + ")");
        }
    }
}

package dev.forge.upstream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects an upstream: opens the shared connection, discovers what it offers and marks it ready; a failure goes to
 * {@link Reconnection}, which tries again later.
 */
final class Connector {

    // one logger for the whole upstream: its story reads (and is filtered) under one name
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);

    private final String name;
    private final Handshake handshake;
    private final ListDiscovery discovery;
    private final SharedConnection shared;
    private final UpstreamStatus status;
    private final Reconnection reconnection;

    Connector(String name, Handshake handshake, ListDiscovery discovery, SharedConnection shared, UpstreamStatus status,
              Reconnection reconnection) {
        this.name = name;
        this.handshake = handshake;
        this.discovery = discovery;
        this.shared = shared;
        this.status = status;
        this.reconnection = reconnection;
    }

    /** One attempt, on the calling thread; never throws. */
    void connectOnce() {
        if (status.stopped()) {
            return;
        }
        int halts = status.halts();
        try {
            UpstreamClient connected = handshake.open(null, reconnection::connectionLost);
            if (status.stopped() || status.halts() != halts) { // stopped or halted meanwhile: it must not outlive that
                connected.close();
                return;
            }
            shared.use(connected);
            if (status.stopped() || status.halts() != halts) { // between the check above and now: stop() or halt() may have found nothing to close
                UpstreamClient taken = shared.take();
                if (taken != null) {
                    taken.close();
                }
                return;
            }
            UpstreamLists discovered = discovery.discover(connected);
            shared.lists(discovered);
            reconnection.connected();
            status.change(UpstreamState.READY, null);
            LOG.info("upstream {} ready over {} (protocol {}): {} tools, {} resources, {} templates, {} prompts",
                    name, connected.transport().kind(), shared.protocolVersion(), discovered.tools().size(),
                    discovered.resources().size(), discovered.resourceTemplates().size(), discovered.prompts().size());
        } catch (RuntimeException e) {
            if (status.halts() != halts) {
                return; // halted meanwhile: stopped is what it is now, not failed (and nothing to retry)
            }
            reconnection.connectFailed(e);
        }
    }
}

package dev.forge.upstream;

import dev.forge.config.MaskedUrl;
import dev.forge.config.UpstreamConfig;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pings a ready upstream every {@code health_check_interval}; after {@value #MISSED_PINGS_BEFORE_FAILED} failed
 * pings in a row its connection is dropped, which marks it failed (its tools leave the catalog) and starts
 * reconnecting.
 */
final class HealthPings {

    // one logger for the whole upstream: its story reads (and is filtered) under one name
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);
    private static final int MISSED_PINGS_BEFORE_FAILED = 3;

    private final UpstreamConfig config;
    private final Duration connectTimeout;
    private final ScheduledExecutorService scheduler;
    private final SharedConnection shared;
    private final UpstreamStatus status;
    private final Reconnection reconnection;
    private volatile int missedPings;
    private volatile ScheduledFuture<?> schedule;

    HealthPings(UpstreamConfig config, Duration connectTimeout, ScheduledExecutorService scheduler,
                SharedConnection shared, UpstreamStatus status, Reconnection reconnection) {
        this.config = config;
        this.connectTimeout = connectTimeout;
        this.scheduler = scheduler;
        this.shared = shared;
        this.status = status;
        this.reconnection = reconnection;
    }

    /** Starts pinging, unless the interval is zero (health checks off). */
    void start() {
        Duration interval = config.policy().healthCheckInterval();
        if (interval.isZero()) {
            return;
        }
        schedule = scheduler.scheduleWithFixedDelay(() -> Thread.ofVirtual().name("ping-" + config.name()).start(this::ping),
                interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop() {
        ScheduledFuture<?> pings = schedule;
        if (pings != null) {
            pings.cancel(false);
        }
    }

    private void ping() {
        UpstreamClient c = shared.current();
        if (status.stopped() || c == null || status.state() != UpstreamState.READY) {
            return;
        }
        // a ping may take no longer than the pause between pings, nor than a connection may take to open
        Duration limit = config.policy().healthCheckInterval().compareTo(connectTimeout) < 0
                ? config.policy().healthCheckInterval() : connectTimeout;
        try {
            // the modern era has no ping: asking a server to describe itself is as cheap a sign of life
            String probe = c.transport().modern() ? "server/discover" : "ping";
            CallOutcome.result(config.name(), c.call(probe, null, limit), probe);
            missedPings = 0;
        } catch (UpstreamException e) {
            int missed = ++missedPings;
            LOG.warn("upstream {}: health-check ping failed ({} in a row): {}", config.name(), missed, MaskedUrl.inText(e.getMessage()));
            if (missed >= MISSED_PINGS_BEFORE_FAILED) {
                missedPings = 0;
                reconnection.connectionLost(c.transport(), missed + " health-check pings failed in a row");
            }
        }
    }
}

package dev.forge.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what this replica serves equal to the registry the replicas share. A change made here is announced; one
 * announced by another replica is read at once; and every {@link #PERIOD} the whole registry is read anyway, so a
 * missed announcement (or a change written straight into the database) heals by itself. Each part of the registry
 * compares what it reads with what it applied and touches only what differs: reading an unchanged registry restarts
 * nothing.
 */
public final class RegistrySync implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegistrySync.class);
    /** The safety net's period: the longest a change can take to reach a replica that missed its announcement. */
    public static final Duration PERIOD = Duration.ofSeconds(10);

    private final Announcements announcements;
    private final List<Runnable> parts;
    /** One reading at a time; requests that come during one are served by a single reading after it. */
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    /** Held while a reading applies changes, so that close can wait for it: nothing is started after close. */
    private final ReentrantLock applying = new ReentrantLock();
    private volatile boolean closed;

    /** @param parts each reads its part of the registry and applies what changed (gateways, servers, tools...) */
    public RegistrySync(Announcements announcements, List<Runnable> parts) {
        this.announcements = announcements;
        this.parts = List.copyOf(parts);
    }

    /** Starts listening, and reading the registry every {@link #PERIOD}. */
    public void start(ScheduledExecutorService scheduler) {
        announcements.listen(this::request);
        scheduler.scheduleWithFixedDelay(this::request, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("registry changes are shared with other replicas over {} and read again every {} s",
                announcements.kind(), PERIOD.toSeconds());
    }

    /** A change was written here: the others are told (off the request's thread: its answer need not wait). */
    public void changed() {
        Thread.ofVirtual().name("registry-announce").start(announcements::announce);
    }

    /** Reads the registry soon, on a virtual thread of its own; never runs two readings at once. */
    public void request() {
        if (closed) {
            return;
        }
        again.set(true);
        if (running.compareAndSet(false, true)) {
            Thread.ofVirtual().name("registry-sync").start(this::drain);
        }
    }

    private void drain() {
        try {
            while (again.getAndSet(false)) {
                syncNow();
            }
        } finally {
            running.set(false);
        }
        if (again.get()) {
            request(); // asked for again between the last check and letting go
        }
    }

    /** Reads every part of the registry now, on the calling thread; a part that fails does not stop the others. */
    public void syncNow() {
        applying.lock();
        try {
            if (!closed) {
                syncParts();
            }
        } finally {
            applying.unlock();
        }
    }

    private void syncParts() {
        for (Runnable part : parts) {
            try {
                part.run();
            } catch (RuntimeException e) {
                LOG.warn("reading the shared registry failed for one part (tried again within {} s): {}", PERIOD.toSeconds(),
                        e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        announcements.close();
        try {
            if (applying.tryLock(30, TimeUnit.SECONDS)) { // a reading under way finishes first
                applying.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

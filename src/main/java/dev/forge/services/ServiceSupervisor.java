package dev.forge.services;

import dev.forge.catalog.Federation;
import dev.forge.config.Lifecycle;
import dev.forge.config.ServiceConfig;
import dev.forge.upstream.Upstream;
import dev.forge.upstream.UpstreamState;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Watches the managed services once a second: one idle longer than its {@code idle_timeout} (and up at least its
 * {@code min_sleep_time}) is put to sleep; one whose process tree holds more memory than its limit is stopped, with
 * the reason. Crashes need nothing here: the upstream restarts its process with backoff and reports crash loops.
 */
public final class ServiceSupervisor implements AutoCloseable {

    static final Duration PERIOD = Duration.ofSeconds(1);

    private final Federation federation;
    private final Map<String, ServiceConfig> services = new ConcurrentHashMap<>();
    private final Map<String, Long> memory = new ConcurrentHashMap<>();
    private final Clock clock;
    private final ScheduledFuture<?> task;

    public ServiceSupervisor(Federation federation, ScheduledExecutorService scheduler, Clock clock) {
        this.federation = federation;
        this.clock = clock;
        this.task = scheduler.scheduleWithFixedDelay(this::check, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void manage(ServiceConfig service) {
        services.put(service.name(), service);
    }

    public void forget(String name) {
        services.remove(name);
        memory.remove(name);
    }

    public ServiceConfig service(String name) {
        return services.get(name);
    }

    public java.util.Collection<ServiceConfig> services() {
        return services.values();
    }

    /** Resident bytes of the service's process tree at the last check (0 when it has no process). */
    public long memoryBytes(String name) {
        return memory.getOrDefault(name, 0L);
    }

    private void check() {
        for (ServiceConfig service : services.values()) {
            Upstream upstream = federation.find(service.name());
            if (upstream == null || upstream.state() != UpstreamState.READY) {
                memory.put(service.name(), 0L);
                continue;
            }
            Long pid = upstream.pid();
            long resident = pid == null ? 0 : ProcessMemory.residentBytes(pid);
            memory.put(service.name(), resident);
            Lifecycle lifecycle = service.upstream().policy().lifecycle();
            if (lifecycle.memoryLimitBytes() > 0 && resident > lifecycle.memoryLimitBytes()) {
                String reason = "memory " + mib(resident) + " MiB exceeded the limit of " + mib(lifecycle.memoryLimitBytes()) + " MiB";
                Thread.ofVirtual().name("halt-" + service.name()).start(() -> upstream.halt(reason));
            } else if (lifecycle.sleeps() && upstream.callsInFlight() == 0) {
                Duration idle = Duration.between(upstream.lastUsed(), clock.instant());
                Duration up = Duration.between(upstream.since(), clock.instant());
                if (idle.compareTo(lifecycle.idleTimeout()) >= 0 && up.compareTo(lifecycle.minUptime()) >= 0) {
                    Thread.ofVirtual().name("sleep-" + service.name()).start(() ->
                            upstream.sleep("idle for " + idle.toSeconds() + " s (idle_timeout " + lifecycle.idleTimeout().toSeconds() + " s)"));
                }
            }
        }
    }

    static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}

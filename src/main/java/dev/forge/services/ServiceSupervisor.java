package dev.forge.services;

import dev.forge.catalog.Federation;
import dev.forge.config.Lifecycle;
import dev.forge.config.ServiceConfig;
import dev.forge.upstream.Upstream;
import dev.forge.upstream.UpstreamState;
import java.time.Clock;
import dev.forge.config.ServicePriority;
import dev.forge.config.UnconfiguredService;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Watches the managed services once a second: one idle longer than its {@code idle_timeout} (and up at least its
 * {@code min_sleep_time}) is put to sleep; one whose process tree holds more memory than its limit is stopped, with
 * the reason. Crashes need nothing here: the upstream restarts its process with backoff and reports crash loops.
 *
 * <p>Memory pressure: the host keeps at least the largest {@code memory_reservation} of the sleeping services
 * available, so that any of them can be woken by its next call. Below that, one idle running service a second is
 * put to sleep — lowest priority first, then the longest idle — never one without a minute's rest since its last
 * call, one of higher priority than the service the memory is kept for, nor one whose sleep policy is off.
 */
public final class ServiceSupervisor implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ServiceSupervisor.class);

    static final Duration PERIOD = Duration.ofSeconds(1);
    static final Duration PRESSURE_IDLE_FLOOR = Duration.ofSeconds(60);

    private final Federation federation;
    private final Map<String, ServiceConfig> services = new ConcurrentHashMap<>();
    private final Map<String, Long> memory = new ConcurrentHashMap<>();
    private final Map<String, UnconfiguredService> unconfigured = new ConcurrentHashMap<>();
    /** Waiting services one request is completing: still listed as waiting until the completed one is managed. */
    private final java.util.Set<String> claimed = ConcurrentHashMap.newKeySet();
    private final Clock clock;
    private final LongSupplier hostAvailable;
    private final Duration pressureIdleFloor;
    private final ScheduledFuture<?> task;

    public ServiceSupervisor(Federation federation, ScheduledExecutorService scheduler, Clock clock) {
        this(federation, scheduler, clock, ProcessMemory::hostAvailableBytes, PRESSURE_IDLE_FLOOR);
    }

    /**
     * @param hostAvailable     the host's available memory in bytes, -1 if unknown
     * @param pressureIdleFloor how long a service must have gone without a call before memory pressure may put it to
     *                          sleep: a service in use is not stopped between two calls, whatever the pressure
     */
    ServiceSupervisor(Federation federation, ScheduledExecutorService scheduler, Clock clock, LongSupplier hostAvailable,
                      Duration pressureIdleFloor) {
        this.federation = federation;
        this.clock = clock;
        this.hostAvailable = hostAvailable;
        this.pressureIdleFloor = pressureIdleFloor;
        this.task = scheduler.scheduleWithFixedDelay(this::check, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void manage(ServiceConfig service) {
        services.put(service.name(), service);
    }

    public void forget(String name) {
        services.remove(name);
        memory.remove(name);
        unconfigured.remove(name);
        claimed.remove(name);
    }

    /** A service waiting for environment variables; listed until {@link #configured} or forgotten. */
    public void awaitConfiguration(UnconfiguredService service) {
        unconfigured.put(service.name(), service);
        claimed.remove(service.name());
    }

    public UnconfiguredService unconfigured(String name) {
        return unconfigured.get(name);
    }

    public java.util.Collection<UnconfiguredService> unconfigured() {
        return unconfigured.values().stream().filter(w -> !services.containsKey(w.name())).toList();
    }

    /**
     * Takes the waiting entry for one request to complete; false if another took it first. The entry stays
     * listed until {@link #configured}, so a concurrent request always finds the service in one state or the other.
     */
    public boolean claim(UnconfiguredService waiting) {
        return unconfigured.get(waiting.name()) == waiting && claimed.add(waiting.name());
    }

    /** The claimed service is complete: it is managed from now on (managed first, then no longer waiting). */
    public void configured(ServiceConfig service) {
        services.put(service.name(), service);
        unconfigured.remove(service.name());
        claimed.remove(service.name());
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
        watchEach();
        relieveMemoryPressure();
    }

    private void watchEach() {
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

    private void relieveMemoryPressure() {
        ServiceConfig waiting = null;
        for (ServiceConfig service : services.values()) {
            Upstream u = federation.find(service.name());
            // asleep: expected to wake on the next call (a stopped one waits for an operator)
            boolean asleep = u != null && u.state() == UpstreamState.SLEEPING;
            if (asleep && service.memoryReservation() > 0 && (waiting == null || service.memoryReservation() > waiting.memoryReservation())) {
                waiting = service;
            }
        }
        if (waiting == null) {
            return;
        }
        long available = hostAvailable.getAsLong();
        if (available < 0 || available >= waiting.memoryReservation()) {
            return;
        }
        ServicePriority ceiling = waiting.priority();
        String reason = "memory pressure: " + mib(available) + " MiB available on the host, below the "
                + mib(waiting.memoryReservation()) + " MiB kept free to wake '" + waiting.name() + "' (memory_reservation)";
        Instant now = clock.instant();
        services.values().stream()
                .filter(s -> s.priority().compareTo(ceiling) <= 0 && s.upstream().policy().lifecycle().sleeps())
                .map(s -> Map.entry(s, federation.find(s.name())))
                .filter(e -> e.getValue() != null && e.getValue().state() == UpstreamState.READY && e.getValue().callsInFlight() == 0
                        && !Duration.between(e.getValue().since(), now).minus(e.getKey().upstream().policy().lifecycle().minUptime()).isNegative()
                        && !Duration.between(e.getValue().lastUsed(), now).minus(pressureIdleFloor).isNegative())
                .min(Comparator.<Map.Entry<ServiceConfig, Upstream>, ServicePriority>comparing(e -> e.getKey().priority())
                        .thenComparing(e -> e.getValue().lastUsed()))
                .ifPresent(victim -> {
                    LOG.warn("service {}: put to sleep: {}", victim.getKey().name(), reason);
                    Thread.ofVirtual().name("sleep-" + victim.getKey().name()).start(() -> victim.getValue().sleep(reason));
                });
    }

    static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}

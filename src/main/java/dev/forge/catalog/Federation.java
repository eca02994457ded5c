package dev.forge.catalog;

import dev.forge.config.ChildEnvironment;
import dev.forge.config.ForgeConfig;
import dev.forge.config.UpstreamConfig;
import dev.forge.upstream.ProgressTokens;
import dev.forge.upstream.Upstream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every configured upstream and the catalog built from them. The catalog is rebuilt whenever an upstream's state
 * or lists change and published atomically; readers never lock.
 */
public final class Federation implements Upstream.ChangeListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Federation.class);

    private final List<Upstream> upstreams = new CopyOnWriteArrayList<>();
    /** The upstreams it was made with: {@link #start} connects these; one added before start connects at once. */
    private final List<Upstream> initial;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final java.time.Duration connectTimeout;
    private final String version;
    private final ChildEnvironment children;
    private volatile CatalogBuilder builder;
    private final String separator;
    private final AtomicReference<Catalog> catalog;
    private final ReentrantLock rebuildLock = new ReentrantLock();
    private final CountDownLatch firstAttempts;
    private final List<Consumer<Catalog>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Upstream>> addedListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Upstream>> removedListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<ObjectNode>> resourceListeners = new CopyOnWriteArrayList<>();
    private final ProgressTokens progress = new ProgressTokens();
    private final dev.forge.config.UpstreamLimits limits;
    private final dev.forge.upstream.ClientProcesses clientProcesses;
    private long generation;
    private volatile List<String> loggedProblems = List.of();

    public Federation(ForgeConfig config, HttpClient http, ScheduledExecutorService scheduler, String version) {
        this.separator = config.separator();
        this.builder = new CatalogBuilder(config.separator(), config.servers());
        this.http = http;
        this.scheduler = scheduler;
        this.connectTimeout = config.connectTimeout();
        this.version = version;
        this.children = config.security().childEnvironment();
        this.limits = config.upstreamLimits();
        this.clientProcesses = new dev.forge.upstream.ClientProcesses(limits);
        config.gateways().forEach(g -> upstreams.add(newUpstream(g)));
        this.initial = List.copyOf(upstreams);
        this.firstAttempts = new CountDownLatch(initial.size());
        this.catalog = new AtomicReference<>(builder.build(upstreams, 0));
    }

    /** Connects every upstream in parallel; returns at once. */
    public void start() {
        start(java.util.Set.of());
    }

    /** The tier of upstreams that start at once, in {@link #start(java.util.Set, java.util.function.ToIntFunction)}. */
    public static final int UNTIERED = Integer.MAX_VALUE;

    /** Connects every upstream in parallel but those named, which stay stopped until started; returns at once. */
    public void start(java.util.Set<String> notStarted) {
        start(notStarted, name -> 0);
    }

    /**
     * Connects the upstreams in tiers, highest {@code tier} first: a tier starts once every upstream of the tiers
     * above has made its first attempt (or after the connect timeout), so that on a small machine the important
     * servers are not slowed by the others' start-up. Within a tier, in parallel. {@link #UNTIERED} upstreams start at
     * once and hold nobody back (a slow remote server must not delay the local ones). Returns at once.
     */
    public void start(java.util.Set<String> notStarted, java.util.function.ToIntFunction<String> tier) {
        initial.forEach(Upstream::startHealthChecks);
        java.util.NavigableMap<Integer, List<Upstream>> tiers = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
        initial.forEach(u -> tiers.computeIfAbsent(tier.applyAsInt(u.name()), t -> new java.util.ArrayList<>()).add(u));
        Thread.ofVirtual().name("connect-tiers").start(() -> {
            for (var entry : tiers.entrySet()) {
                List<Upstream> members = entry.getValue();
                boolean awaited = entry.getKey() != UNTIERED;
                CountDownLatch attempted = new CountDownLatch(members.size());
                members.forEach(upstream -> Thread.ofVirtual().name("connect-" + upstream.name()).start(() -> {
                    try {
                        if (notStarted.contains(upstream.name())) {
                            upstream.halt("not started (auto_start: false)");
                            return;
                        }
                        upstream.connect();
                    } finally {
                        attempted.countDown();
                        firstAttempts.countDown();
                        if (ready()) {
                            logNewProblems(catalog.get());
                        }
                    }
                }));
                try {
                    if (awaited && tiers.size() > 1) {
                        attempted.await(connectTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
    }

    /**
     * Connects to an upstream apart from everything (not federated, its notifications dropped), waits at most
     * {@code within} for it to be ready with its lists, says what it found, and stops it: the console's "test
     * connection". Through the same guards as any upstream (the SSRF guard, the child environment's allowlist).
     */
    public Trial trial(UpstreamConfig config, java.time.Duration within) {
        Upstream upstream = new Upstream(config, http, children, connectTimeout, scheduler, changed -> { }, version, progress,
                routed -> { }, limits, clientProcesses);
        try {
            Thread.ofVirtual().name("upstream-trial").start(upstream::connect);
            try {
                upstream.firstAttempt().get(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                if (upstream.state() == dev.forge.upstream.UpstreamState.READY) {
                    upstream.listsSettled().get(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                }
            } catch (java.util.concurrent.TimeoutException e) {
                // reported as it stands: still connecting
            } catch (java.util.concurrent.ExecutionException e) {
                // the state and last error say what went wrong
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            boolean ready = upstream.state() == dev.forge.upstream.UpstreamState.READY;
            tools.jackson.databind.node.ObjectNode info = upstream.serverInfo();
            String server = info == null ? "" : (info.path("name").asString("") + " " + info.path("version").asString("")).trim();
            List<Trial.Tool> tools = ready ? upstream.lists().tools().stream().map(t -> new Trial.Tool(t.path("name").asString(""),
                    t.path("description").asString(""))).toList() : List.of();
            String error = ready ? null : upstream.lastError() != null ? upstream.lastError()
                    : "no answer within " + within.toSeconds() + " s";
            return new Trial(upstream.state().label(), upstream.protocolVersion(), server, tools, error);
        } finally {
            upstream.stop();
        }
    }

    private Upstream newUpstream(UpstreamConfig config) {
        return new Upstream(config, http, children, connectTimeout, scheduler, this, version, progress, this::routedNotification,
                limits, clientProcesses);
    }

    private volatile boolean closed;

    /**
     * Adds an upstream while the gateway runs (registered through the API): it connects in the background and its
     * tools join the catalog, with {@code list_changed} to clients, when it is ready.
     */
    public synchronized Upstream add(UpstreamConfig config) {
        return add(config, true);
    }

    /** @param start connect now; otherwise it stays stopped until woken (a service with {@code auto_start: false}) */
    public synchronized Upstream add(UpstreamConfig config, boolean start) {
        if (closed) { // a late registry change must not start a process nobody will stop
            throw new IllegalStateException("the gateway is stopping: '" + config.name() + "' is not started");
        }
        if (find(config.name()) != null) {
            throw new IllegalArgumentException("an upstream named '" + config.name() + "' is already federated");
        }
        Upstream upstream = newUpstream(config);
        upstreams.add(upstream);
        addedListeners.forEach(l -> l.accept(upstream));
        upstream.startHealthChecks();
        if (start) {
            Thread.ofVirtual().name("connect-" + upstream.name()).start(upstream::connect);
        } else {
            upstream.halt("not started (auto_start: false)");
        }
        upstreamChanged(upstream);
        return upstream;
    }

    /** Stops and removes an upstream; its tools leave the catalog. False if there was none by that name. */
    public boolean remove(String name) {
        Upstream upstream = find(name);
        if (upstream == null) {
            return false;
        }
        upstreams.remove(upstream);
        upstream.stop();
        removedListeners.forEach(l -> l.accept(upstream));
        upstreamChanged(upstream);
        return true;
    }

    /** Replaces the virtual servers (edited through the API); their endpoints change at once. */
    public void setServers(List<dev.forge.config.VirtualServerConfig> servers) {
        builder = builder.withServers(servers);
        republish();
    }

    /** Replaces the set of tools operators disabled (namespaced names); they leave every endpoint at once. */
    public void setDisabledTools(java.util.Set<String> names) {
        if (builder.disabledTools().equals(names)) {
            return; // the same set read again (another replica's change, or none): nothing to tell the clients
        }
        builder = builder.withDisabledTools(names);
        republish();
    }

    private void republish() {
        if (!upstreams.isEmpty()) {
            upstreamChanged(upstreams.getFirst());
        } else {
            rebuild();
        }
    }

    private void rebuild() {
        rebuildLock.lock();
        try {
            catalog.set(builder.build(upstreams, ++generation));
        } finally {
            rebuildLock.unlock();
        }
    }

    public String separator() {
        return separator;
    }

    public Upstream find(String name) {
        for (Upstream u : upstreams) {
            if (u.name().equals(name)) {
                return u;
            }
        }
        return null;
    }

    /** True once every upstream has been tried at least once, successfully or not. */
    public boolean ready() {
        return firstAttempts.getCount() == 0;
    }

    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return firstAttempts.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Catalog catalog() {
        return catalog.get();
    }

    public List<Upstream> upstreams() {
        return upstreams;
    }

    /** Hears upstreams as they join (those present at start at once) and leave. */
    public void onMembership(Consumer<Upstream> added, Consumer<Upstream> removed) {
        upstreams.forEach(added);
        addedListeners.add(added);
        removedListeners.add(removed);
    }

    /** Hears every new catalog (to tell connected clients that lists changed). */
    public void onCatalogChange(Consumer<Catalog> listener) {
        listeners.add(listener);
    }

    /**
     * Hears the notifications that are routed by what they name rather than by the call they belong to:
     * {@code notifications/resources/updated} (by URI) and {@code notifications/tasks/status} (by task).
     */
    public void onRoutedNotification(Consumer<ObjectNode> listener) {
        resourceListeners.add(listener);
    }

    private void routedNotification(ObjectNode notification) {
        resourceListeners.forEach(l -> l.accept(notification));
    }

    /** A client session ended: every upstream session opened for it is closed. */
    public void closeSession(String sessionId) {
        upstreams.forEach(u -> u.closeSession(sessionId));
    }

    @Override
    public void upstreamChanged(Upstream upstream) {
        Catalog next;
        rebuildLock.lock();
        try {
            next = builder.build(upstreams, ++generation);
            catalog.set(next);
        } finally {
            rebuildLock.unlock();
        }
        logNewProblems(next);
        for (Consumer<Catalog> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                LOG.warn("catalog listener failed", e);
            }
        }
    }

    /** Logs each problem once when it appears; before every upstream had its first try, gaps are expected. */
    private void logNewProblems(Catalog next) {
        if (!ready()) {
            return;
        }
        List<String> before = loggedProblems;
        loggedProblems = next.problems();
        next.problems().stream().filter(p -> !before.contains(p)).forEach(p -> LOG.warn("catalog: {}", p));
    }

    @Override
    public void close() {
        synchronized (this) { // after this, no add starts a process
            closed = true;
        }
        upstreams.parallelStream().forEach(Upstream::stop);
    }
}

package dev.forge.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forge.auth.Principal;
import dev.forge.auth.Role;
import dev.forge.session.ClientSession;
import dev.forge.session.InMemorySessionStore;
import dev.forge.session.SessionLimitException;
import dev.forge.store.RedisLink;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas' session stores on the real Redis, in the races a cluster meets: a session ended while another replica
 * adopts it or opens its stream, one kept in use only by an open stream, copies and the per-principal limit.
 */
class ClusterSessionStoreTest {

    static final Principal ALICE = new Principal("alice", Role.DEVELOPER, Set.of("mcp"), Set.of(), null, null, true);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<AutoCloseable> closing = new ArrayList<>();

    private ClusterSessionStore replica(Duration idle) {
        return replica(idle, Map.of("gateway", URI.create("http://127.0.0.1:1")));
    }

    private ClusterSessionStore replica(Duration idle, Map<String, URI> listeners) {
        RedisLink link = new RedisLink(URI.create("redis://127.0.0.1:6379/0"), Duration.ofSeconds(5));
        ClusterSessionStore store = new ClusterSessionStore(new InMemorySessionStore(Clock.systemUTC(), idle, 10, scheduler), link,
                idle, () -> listeners);
        closing.add(link);
        closing.add(store);
        return store;
    }

    private long ttlOf(String id) throws Exception {
        return pttl("forge:session:" + id);
    }

    private static long pttl(String key) throws Exception {
        RedisLink link = new RedisLink(URI.create("redis://127.0.0.1:6379/0"), Duration.ofSeconds(5));
        try (link; StatefulRedisConnection<String, String> c = link.client().connect()) {
            return c.sync().pttl(key);
        }
    }

    /** Redis is read only on a request's own (virtual) thread. */
    private static <T> T onARequestsThread(java.util.concurrent.Callable<T> work) throws Exception {
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            return threads.submit(work).get();
        }
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
        scheduler.shutdownNow();
    }

    @Test
    void eachReplicaTellsTheOthersWhereEachOfItsListenersIsUntilItStops() throws Exception {
        ClusterSessionStore a = replica(Duration.ofMinutes(30), Map.of("gateway", URI.create("http://127.0.0.1:4444"),
                "service-manager", URI.create("http://127.0.0.1:4445")));
        ClusterSessionStore b = replica(Duration.ofMinutes(30));
        String tag = a.replicaTag();
        java.util.concurrent.Callable<URI> managerOfA = () -> onARequestsThread(() -> b.replicaElsewhere(tag, "service-manager"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> managerOfA.call() != null);
        assertThat(managerOfA.call()).isEqualTo(URI.create("http://127.0.0.1:4445"));
        assertThat(onARequestsThread(() -> a.replicaElsewhere(tag, "gateway"))).as("its own tag names no other replica").isNull();
        long ttl = pttl("forge:replica-url:" + tag);
        assertThat(ttl).as("a crashed replica's address lapses within a minute").isBetween(1L, 60_000L);

        a.close();
        assertThat(pttl("forge:replica-url:" + tag)).as("a replica that stopped deletes where it was").isEqualTo(-2L);
        assertThat(onARequestsThread(() -> b.replicaElsewhere(tag, "gateway")))
                .as("where it was is still tried (a refused connection will say it is gone)").isEqualTo(URI.create("http://127.0.0.1:4444"));
        assertThat(onARequestsThread(() -> b.replicaElsewhere("0123abcd", "gateway"))).as("a replica never seen").isNull();
    }

    @Test
    void aStreamOpenedOnACopyAfterTheSessionEndedBringsNothingBack() throws Exception {
        ClusterSessionStore one = replica(Duration.ofMinutes(5));
        ClusterSessionStore two = replica(Duration.ofMinutes(5));
        ClientSession session = one.create("all", ALICE);
        session.markInitialized();
        ClientSession[] adopted = new ClientSession[1];
        Thread.ofVirtual().start(() -> adopted[0] = two.find(session.id())).join();
        assertThat(adopted[0]).isNotNull();
        one.remove(session.id());
        adopted[0].openStream(); // a GET on the other replica before it heard of the end
        assertThat(ttlOf(session.id())).as("the record of an ended session (-2: none)").isEqualTo(-2);
    }

    @Test
    void aSessionEndedWhileAnotherReplicaAdoptsItIsNotServedThere() throws Exception {
        ClusterSessionStore one = replica(Duration.ofMinutes(5));
        ClusterSessionStore two = replica(Duration.ofMinutes(5));
        ClientSession session = one.create("all", ALICE);
        session.markInitialized();
        one.remove(session.id());
        ClientSession[] found = {session};
        Thread.ofVirtual().start(() -> found[0] = two.find(session.id())).join();
        assertThat(found[0]).isNull();
    }

    @Test
    void aSessionUsedOnlyThroughItsOpenStreamDoesNotLapseForTheOthers() throws Exception {
        Duration idle = Duration.ofMillis(800);
        ClusterSessionStore one = replica(idle);
        ClusterSessionStore two = replica(idle);
        ClientSession session = one.create("all", ALICE);
        session.markInitialized();
        session.openStream();
        Thread.sleep(idle.multipliedBy(3).toMillis());
        ClientSession[] found = new ClientSession[1];
        Thread.ofVirtual().start(() -> found[0] = two.find(session.id())).join();
        assertThat(found[0]).as("the session whose stream stayed open, seen from the other replica").isNotNull();
    }

    @Test
    void copiesOfOtherReplicasSessionsNeitherCountNorFreeThePrincipalsLimitHere() {
        InMemorySessionStore store = new InMemorySessionStore(Clock.systemUTC(), Duration.ofMinutes(5), 2, scheduler);
        store.create("all", ALICE);
        store.create("all", ALICE);
        assertThatThrownBy(() -> store.create("all", ALICE)).isInstanceOf(SessionLimitException.class);
        store.adopt("aaaa", "all", ALICE, null, null, null, true);
        store.remove("aaaa"); // ended elsewhere
        assertThatThrownBy(() -> store.create("all", ALICE)).isInstanceOf(SessionLimitException.class);
    }
}

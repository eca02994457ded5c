package dev.forge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forge.protocol.Json;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** What the registry (gateways, virtual servers, tool states) must do on every database Forge supports; one subclass per database. */
abstract class RegistryRepositoryContract {

    /** A clock that moves one second each time it is read, so timestamps order writes. */
    static final class TickingClock extends Clock {
        private final AtomicLong seconds = new AtomicLong(1_800_000_000L);

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(seconds.incrementAndGet());
        }
    }

    Database database;
    GatewayRepository gateways;
    ServerRepository servers;
    ToolStateRepository toolStates;

    abstract Database openDatabase() throws Exception;

    void dropDatabase() throws Exception {}

    @BeforeEach
    void open() throws Exception {
        database = openDatabase();
        TickingClock clock = new TickingClock();
        gateways = new GatewayRepository(database, clock, SecretBox.of(null, false));
        servers = new ServerRepository(database, clock);
        toolStates = new ToolStateRepository(database, clock);
    }

    @AfterEach
    void close() throws Exception {
        database.close();
        dropDatabase();
    }

    static ObjectNode stdioSpec(String command) {
        ObjectNode spec = Json.object();
        spec.putArray("command").add(command).add("stdio");
        spec.putObject("env").put("LOG_LEVEL", "debug");
        return spec;
    }

    @Test
    void aRegisteredGatewayCanBeFoundByIdAndByName() {
        GatewayRecord stored = gateways.insert("everything", "stdio", stdioSpec("mcp-server-everything"), true);
        assertThat(gateways.find(stored.id())).contains(stored);
        assertThat(gateways.findByName("everything")).contains(stored);
        assertThat(stored.spec().at("/env/LOG_LEVEL").asString()).isEqualTo("debug");
    }

    @Test
    void aTakenNameIsRefusedAndNothingIsWritten() {
        gateways.insert("docs", "streamable-http", Json.object().put("url", "http://127.0.0.1:1/mcp"), true);
        assertThatThrownBy(() -> gateways.insert("docs", "sse", Json.object().put("url", "http://127.0.0.1:2/sse"), true))
                .isInstanceOf(DuplicateNameException.class).hasMessageContaining("'docs'");
        assertThat(gateways.list()).hasSize(1).first().extracting(GatewayRecord::transport).isEqualTo("streamable-http");
    }

    @Test
    void anUpdateReplacesTheDetailsAndMovesUpdatedAt() {
        GatewayRecord stored = gateways.insert("a", "stdio", stdioSpec("one"), true);
        GatewayRecord updated = gateways.update(stored.id(), "a2", "stdio", stdioSpec("two"), false).orElseThrow();
        assertThat(updated.name()).isEqualTo("a2");
        assertThat(updated.enabled()).isFalse();
        assertThat(updated.spec().at("/command/0").asString()).isEqualTo("two");
        assertThat(updated.createdAt()).isEqualTo(stored.createdAt());
        assertThat(updated.updatedAt()).isAfter(stored.updatedAt());
        assertThat(gateways.update("no-such-id", "x", "stdio", stdioSpec("x"), true)).isEmpty();
    }

    @Test
    void renamingOntoATakenNameIsRefused() {
        gateways.insert("a", "stdio", stdioSpec("one"), true);
        GatewayRecord b = gateways.insert("b", "stdio", stdioSpec("two"), true);
        assertThatThrownBy(() -> gateways.update(b.id(), "a", "stdio", stdioSpec("two"), true))
                .isInstanceOf(DuplicateNameException.class);
        assertThat(gateways.find(b.id()).orElseThrow().name()).isEqualTo("b");
    }

    @Test
    void deletingRemovesOnlyThatGateway() {
        GatewayRecord a = gateways.insert("a", "stdio", stdioSpec("one"), true);
        gateways.insert("b", "stdio", stdioSpec("two"), true);
        assertThat(gateways.delete(a.id())).isTrue();
        assertThat(gateways.delete(a.id())).isFalse();
        assertThat(gateways.list()).extracting(GatewayRecord::name).containsExactly("b");
    }

    @Test
    void listsInTheOrderOfRegistration() {
        for (String name : List.of("c", "a", "b")) {
            gateways.insert(name, "stdio", stdioSpec(name), true);
        }
        assertThat(gateways.list()).extracting(GatewayRecord::name).containsExactly("c", "a", "b");
    }

    @Test
    void concurrentRegistrationsAllLand() {
        var threads = Executors.newVirtualThreadPerTaskExecutor();
        List<CompletableFuture<GatewayRecord>> writes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String name = "g" + i;
            writes.add(CompletableFuture.supplyAsync(() -> gateways.insert(name, "stdio", stdioSpec(name), true), threads));
        }
        writes.forEach(CompletableFuture::join);
        assertThat(gateways.list()).hasSize(100);
    }

    @Test
    void openingAnUpToDateDatabaseAgainChangesNothing() throws Exception {
        gateways.insert("kept", "stdio", stdioSpec("x"), true);
        try (Database again = Database.open(database.url(), false)) {
            assertThat(new GatewayRepository(again, Clock.systemUTC(), SecretBox.of(null, false)).list()).extracting(GatewayRecord::name).containsExactly("kept");
        }
    }

    @Test
    void virtualServersKeepTheirMembersInOrderAndRefuseTakenNames() {
        ServerRecord created = servers.insert("cursor", "for the editor", List.of("b__x", "a__y"), List.of("demo://r"), List.of("a__p"));
        assertThat(servers.find(created.id())).contains(created);
        assertThat(servers.findByName("cursor").orElseThrow().tools()).containsExactly("b__x", "a__y");
        assertThatThrownBy(() -> servers.insert("cursor", null, List.of(), List.of(), List.of()))
                .isInstanceOf(DuplicateNameException.class);
        ServerRecord updated = servers.update(created.id(), "cursor", null, List.of("a__y"), List.of(), List.of()).orElseThrow();
        assertThat(updated.tools()).containsExactly("a__y");
        assertThat(updated.description()).isNull();
        assertThat(servers.delete(created.id())).isTrue();
        assertThat(servers.list()).isEmpty();
    }

    @Test
    void toolStatesRememberTheLastWord() {
        toolStates.set("a__x", false);
        toolStates.set("b__y", false);
        toolStates.set("a__x", true);
        assertThat(toolStates.disabled()).containsExactly("b__y");
    }
}

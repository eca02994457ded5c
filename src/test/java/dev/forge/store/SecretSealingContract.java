package dev.forge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forge.protocol.Json;
import dev.forge.support.FirstFormatSeal;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sealed credentials in stored rows, on every database Forge supports: a value moved to another row or field does not
 * open, old rows are still read, and rotation re-seals everything with the new key. Rows are changed behind the
 * repositories' back with plain SQL, as someone with access to the database would.
 */
abstract class SecretSealingContract {

    static final String K1 = "first-key-0123456789-abcdefghijklmnopqr";
    static final String K2 = "second-key-0123456789-abcdefghijklmnopq";
    static final String K3 = "unknown-key-0123456789-abcdefghijklmnop";

    Database database;

    abstract Database openDatabase() throws Exception;

    void dropDatabase() throws Exception {}

    @BeforeEach
    void open() throws Exception {
        database = openDatabase();
    }

    @AfterEach
    void close() throws Exception {
        database.close();
        dropDatabase();
    }

    GatewayRepository gateways(SecretBox box) {
        return new GatewayRepository(database, Clock.systemUTC(), box);
    }

    RestToolRepository restTools(SecretBox box) {
        return new RestToolRepository(database, Clock.systemUTC(), box);
    }

    static ObjectNode httpSpec(String token) {
        ObjectNode spec = Json.object().put("url", "https://example.org/mcp");
        spec.putObject("headers").put("Authorization", "Bearer " + token).put("X-Tenant", "acme");
        spec.putObject("env").put("API_KEY", "key-" + token);
        return spec;
    }

    static ObjectNode withUrl(ObjectNode spec, String url) {
        spec.put("url", url);
        return spec;
    }

    static ObjectNode stdioSpec(String key) {
        ObjectNode spec = Json.object();
        spec.putArray("command").add("npx").add("-y").add("@acme/mcp-server");
        spec.putObject("env").put("API_KEY", key);
        return spec;
    }

    static ObjectNode restSpec(String key) {
        ObjectNode spec = Json.object().put("url", "https://api.example.org/items/{id}").put("method", "GET");
        spec.putObject("headers").put("X-Api-Key", key);
        return spec;
    }

    String stored(String table, String id) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT spec FROM " + table + " WHERE id = :id")
                .bind("id", id).mapTo(String.class).one());
    }

    /** Rewrites one row's stored spec with SQL, as someone with access to the database could. */
    void tamper(String table, String id, Consumer<ObjectNode> change) {
        ObjectNode spec = (ObjectNode) Json.parse(stored(table, id));
        change.accept(spec);
        database.jdbi().useHandle(h -> h.createUpdate("UPDATE " + table + " SET spec = :spec WHERE id = :id")
                .bind("spec", Json.text(spec)).bind("id", id).execute());
    }

    /** Everything the database holds, as text: its rows here; the files themselves where there are files. */
    String rawStorage() throws Exception {
        return rows("gateways") + "\n" + rows("rest_tools").toString();
    }

    Map<String, String> rows(String table) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT id, spec FROM " + table)
                .reduceRows(new TreeMap<String, String>(), (all, row) -> {
                    all.put(row.getColumn("id", String.class), row.getColumn("spec", String.class));
                    return all;
                }));
    }

    /** Every credential value stored in the table. */
    java.util.List<String> storedValues(String table) {
        java.util.List<String> values = new java.util.ArrayList<>();
        for (String spec : rows(table).values()) {
            ObjectNode node = (ObjectNode) Json.parse(spec);
            for (String field : new String[] {"headers", "env"}) {
                node.path(field).properties().forEach(e -> values.add(e.getValue().asString()));
            }
        }
        return values;
    }

    @Test
    void aSealedHeaderCopiedIntoAnotherGatewaysRowDoesNotOpenThere() {
        GatewayRepository repository = gateways(SecretBox.of(K1, false));
        GatewayRecord a = repository.insert("alpha", "streamable_http", httpSpec("alpha-token"), false);
        GatewayRecord b = repository.insert("beta", "streamable_http", httpSpec("beta-token"), false);
        String alphasHeader = Json.parse(stored("gateways", a.id())).at("/headers/Authorization").asString();

        tamper("gateways", b.id(), spec -> spec.withObject("/headers").put("Authorization", alphasHeader));

        assertThatThrownBy(opening(() -> repository.find(b.id()))).isInstanceOf(SecretsException.class)
                .hasMessageStartingWith("gateways/" + b.id() + "/headers/Authorization (gateway 'beta'): cannot be opened")
                .hasMessageNotContaining("alpha-token").hasMessageNotContaining(alphasHeader);
        assertThat(repository.find(a.id()).orElseThrow().spec().at("/headers/Authorization").asString()).isEqualTo("Bearer alpha-token");
    }

    @Test
    void aSealedValueMovedToAnotherFieldOfTheSameRowDoesNotOpen() {
        GatewayRepository repository = gateways(SecretBox.of(K1, false));
        GatewayRecord g = repository.insert("alpha", "streamable_http", httpSpec("alpha-token"), false);
        String header = Json.parse(stored("gateways", g.id())).at("/headers/Authorization").asString();
        String tenant = Json.parse(stored("gateways", g.id())).at("/headers/X-Tenant").asString();

        tamper("gateways", g.id(), spec -> spec.withObject("/headers").put("X-Tenant", header));
        assertThatThrownBy(opening(() -> repository.find(g.id())))
                .hasMessageStartingWith("gateways/" + g.id() + "/headers/X-Tenant (gateway 'alpha')");

        tamper("gateways", g.id(), spec -> {
            spec.withObject("/headers").put("X-Tenant", tenant);
            spec.withObject("/env").put("API_KEY", header);
        });
        assertThatThrownBy(opening(() -> repository.find(g.id()))).hasMessageStartingWith("gateways/" + g.id() + "/env/API_KEY");
    }

    @Test
    void aRestToolsSealedHeaderDoesNotOpenInAGatewayEvenUnderTheSameId() {
        SecretBox box = SecretBox.of(K1, false);
        RestToolRepository.RestToolRecord tool = restTools(box).insert("items", restSpec("rest-key"));
        GatewayRecord g = gateways(box).insert("alpha", "streamable_http", httpSpec("alpha-token"), false);
        String toolsHeader = Json.parse(stored("rest_tools", tool.id())).at("/headers/X-Api-Key").asString();

        tamper("gateways", g.id(), spec -> { // its own values would not open under another id either: keep only the copy
            spec.remove("env");
            spec.putObject("headers").put("X-Api-Key", toolsHeader);
        });
        database.jdbi().useHandle(h -> h.createUpdate("UPDATE gateways SET id = :tool WHERE id = :gateway")
                .bind("tool", tool.id()).bind("gateway", g.id()).execute());

        assertThatThrownBy(opening(() -> gateways(box).find(tool.id())))
                .hasMessageStartingWith("gateways/" + tool.id() + "/headers/X-Api-Key (gateway 'alpha')");
        assertThat(restTools(box).findByName("items").orElseThrow().spec().at("/headers/X-Api-Key").asString()).isEqualTo("rest-key");
    }

    @Test
    void renamingAGatewayKeepsItsCredentialsReadable() {
        GatewayRepository repository = gateways(SecretBox.of(K1, false));
        GatewayRecord g = repository.insert("alpha", "streamable_http", httpSpec("alpha-token"), false);
        repository.update(g.id(), "omega", g.transport(), g.spec(), false);
        assertThat(repository.findByName("omega").orElseThrow().spec()).isEqualTo(httpSpec("alpha-token"));
        // the name is not part of what a value is sealed with: renaming by SQL alone leaves the values readable too
        database.jdbi().useHandle(h -> h.createUpdate("UPDATE gateways SET name = 'psi' WHERE id = :id").bind("id", g.id()).execute());
        assertThat(repository.find(g.id()).orElseThrow().spec()).isEqualTo(httpSpec("alpha-token"));
    }

    @Test
    void aRowInTheFirstFormatIsReadAndWrittenBackInTheCurrentOne() {
        GatewayRepository repository = gateways(SecretBox.of(K1, false));
        GatewayRecord g = repository.insert("alpha", "streamable_http", httpSpec("alpha-token"), false);
        tamper("gateways", g.id(), spec -> {
            spec.withObject("/headers").put("Authorization", FirstFormatSeal.seal(K1, "Bearer alpha-token"));
            spec.withObject("/headers").put("X-Tenant", FirstFormatSeal.seal(K1, "acme"));
            spec.withObject("/env").put("API_KEY", FirstFormatSeal.seal(K1, "key-alpha-token"));
        });
        assertThat(storedValues("gateways")).allMatch(v -> v.startsWith("enc:v1:"));

        GatewayRecord read = repository.find(g.id()).orElseThrow();
        assertThat(read.spec()).isEqualTo(httpSpec("alpha-token"));
        repository.update(g.id(), g.name(), g.transport(), read.spec(), true);
        assertThat(storedValues("gateways")).hasSize(3).allMatch(v -> v.startsWith("enc:v2:"));
        assertThat(repository.find(g.id()).orElseThrow().spec()).isEqualTo(httpSpec("alpha-token"));
    }

    @Test
    void aWrongKeyGivesAClearErrorNamingTheFieldNotTheValue() {
        GatewayRecord g = gateways(SecretBox.of(K1, false)).insert("alpha", "streamable_http", httpSpec("alpha-token"), false);
        assertThatThrownBy(opening(() -> gateways(SecretBox.of(K2, false)).list())).isInstanceOf(SecretsException.class)
                .hasMessage("gateways/" + g.id() + "/headers/Authorization (gateway 'alpha'): cannot be opened with FORGE_ENCRYPTION_KEY "
                        + "(was the key changed, or the value copied here from another record or field, or its url/command changed?)");
        assertThatThrownBy(opening(() -> gateways(SecretBox.of(null, false)).list()))
                .hasMessage("gateways/" + g.id() + "/headers/Authorization (gateway 'alpha'): stored sealed, and FORGE_ENCRYPTION_KEY is not set");
    }

    @Test
    void rotationReSealsEveryStoredValueWithTheNewKeyAndASecondRunChangesNothing() {
        SecretBox first = SecretBox.of(K1, false);
        GatewayRecord alpha = gateways(first).insert("alpha", "streamable_http", httpSpec("alpha-token"), false);
        GatewayRecord beta = gateways(first).insert("beta", "streamable_http", httpSpec("beta-token"), false);
        restTools(first).insert("items", restSpec("rest-key"));
        tamper("gateways", beta.id(), spec -> spec.withObject("/env").put("API_KEY", FirstFormatSeal.seal(K1, "key-beta-token")));
        GatewayRecord plain = gateways(SecretBox.of(null, false)).insert("gamma", "streamable_http", httpSpec("gamma-token"), false);

        SecretBox rotating = SecretBox.of(K2, K1, false);
        assertThat(gateways(rotating).find(beta.id()).orElseThrow().spec()).isEqualTo(httpSpec("beta-token"));
        assertThat(new SecretRotation(database, rotating).run(false)).containsExactly(
                new SecretRotation.Count("gateways", 6, 3, 0), new SecretRotation.Count("rest_tools", 1, 0, 0));

        assertThat(storedValues("gateways")).hasSize(9).allMatch(v -> v.startsWith("enc:v2:"));
        assertThat(storedValues("rest_tools")).hasSize(1).allMatch(v -> v.startsWith("enc:v2:"));
        SecretBox newKeyAlone = SecretBox.of(K2, false);
        assertThat(gateways(newKeyAlone).find(alpha.id()).orElseThrow().spec()).isEqualTo(httpSpec("alpha-token"));
        assertThat(gateways(newKeyAlone).find(beta.id()).orElseThrow().spec()).isEqualTo(httpSpec("beta-token"));
        assertThat(gateways(newKeyAlone).find(plain.id()).orElseThrow().spec()).isEqualTo(httpSpec("gamma-token"));
        assertThat(restTools(newKeyAlone).findByName("items").orElseThrow().spec()).isEqualTo(restSpec("rest-key"));
        assertThatThrownBy(opening(() -> gateways(first).list())).isInstanceOf(SecretsException.class);

        Map<String, String> before = rows("gateways");
        assertThat(new SecretRotation(database, rotating).run(false)).containsExactly(
                new SecretRotation.Count("gateways", 0, 0, 9), new SecretRotation.Count("rest_tools", 0, 0, 1));
        assertThat(rows("gateways")).isEqualTo(before);
    }

    @Test
    void aUrlWithAPasswordAndAnApiKeyIsStoredSealedAndReadBackWhole() throws Exception {
        String url = "https://forge:url-pa55word@mcp.example.org:8443/mcp?api_key=url-k3y&region=eu";
        String template = "https://api.example.org/items/{id}?api_key=rest-k3y";
        SecretBox box = SecretBox.of(K1, false);
        GatewayRecord g = gateways(box).insert("alpha", "streamable_http", withUrl(httpSpec("alpha-token"), url), false);
        RestToolRepository.RestToolRecord tool = restTools(box).insert("items", withUrl(restSpec("rest-key"), template));
        GatewayRecord plain = gateways(box).insert("beta", "streamable_http", httpSpec("beta-token"), false);

        assertThat(rawStorage()).doesNotContain("url-pa55word", "url-k3y", "rest-k3y", "mcp.example.org", "alpha-token");
        assertThat(Json.parse(stored("gateways", g.id())).get("url").asString()).startsWith("enc:v2:");
        assertThat(Json.parse(stored("rest_tools", tool.id())).get("url").asString()).startsWith("enc:v2:");
        assertThat(Json.parse(stored("gateways", plain.id())).get("url").asString())
                .as("a url without a user part or a query stays readable").isEqualTo("https://example.org/mcp");

        assertThat(gateways(box).find(g.id()).orElseThrow().spec()).isEqualTo(withUrl(httpSpec("alpha-token"), url));
        assertThat(gateways(box).list()).extracting(r -> r.spec().get("url").asString()).containsExactly(url, "https://example.org/mcp");
        assertThat(restTools(box).findByName("items").orElseThrow().spec()).isEqualTo(withUrl(restSpec("rest-key"), template));
    }

    @Test
    void aSealedUrlCopiedIntoAnotherRowDoesNotOpenThere() {
        GatewayRepository repository = gateways(SecretBox.of(K1, false));
        GatewayRecord a = repository.insert("alpha", "streamable_http", withUrl(httpSpec("alpha-token"), "https://a.example.org/mcp?key=1"), false);
        GatewayRecord b = repository.insert("beta", "streamable_http", withUrl(httpSpec("beta-token"), "https://b.example.org/mcp?key=2"), false);
        String alphasUrl = Json.parse(stored("gateways", a.id())).get("url").asString();

        tamper("gateways", b.id(), spec -> spec.put("url", alphasUrl));

        assertThatThrownBy(opening(() -> repository.find(b.id()))).isInstanceOf(SecretsException.class)
                .hasMessage("gateways/" + b.id() + "/url (gateway 'beta'): cannot be opened with FORGE_ENCRYPTION_KEY "
                        + "(was the key changed, or the value copied here from another record or field?)");
    }

    @Test
    void aUrlWhoseHostOrPortWasChangedWithSqlLeavesItsHeadersSealed() {
        GatewayRepository repository = gateways(SecretBox.of(K1, false));
        GatewayRecord g = repository.insert("alpha", "streamable_http", httpSpec("alpha-token"), false);
        String message = "gateways/" + g.id() + "/headers/Authorization (gateway 'alpha'): cannot be opened with FORGE_ENCRYPTION_KEY "
                + "(was the key changed, or the value copied here from another record or field, or its url/command changed?)";

        for (String elsewhere : java.util.List.of("https://collector.example.net/mcp", "https://example.org:8443/mcp",
                "http://example.org/mcp", "https://example.org.example.net/mcp", "https://example.org@collector.example.net/mcp")) {
            tamper("gateways", g.id(), spec -> spec.put("url", elsewhere));
            assertThatThrownBy(opening(() -> repository.find(g.id()))).as(elsewhere).isInstanceOf(SecretsException.class)
                    .hasMessage(message).hasMessageNotContaining("alpha-token");
        }

        RestToolRepository.RestToolRecord tool = restTools(SecretBox.of(K1, false)).insert("items", restSpec("rest-key"));
        tamper("rest_tools", tool.id(), spec -> spec.put("url", "https://collector.example.net/items/{id}"));
        assertThatThrownBy(opening(() -> restTools(SecretBox.of(K1, false)).list()))
                .hasMessageStartingWith("rest_tools/" + tool.id() + "/headers/X-Api-Key (REST tool 'items'): cannot be opened")
                .hasMessageContaining("or its url/command changed?");
    }

    @Test
    void aSealedUrlReplacedWithAnotherHostInTheClearLeavesItsHeadersSealed() {
        GatewayRepository repository = gateways(SecretBox.of(K1, false));
        GatewayRecord g = repository.insert("alpha", "streamable_http",
                withUrl(httpSpec("alpha-token"), "https://example.org/mcp?api_key=k3y"), false);

        tamper("gateways", g.id(), spec -> spec.put("url", "https://collector.example.net/mcp?api_key=k3y"));

        assertThatThrownBy(opening(() -> repository.find(g.id())))
                .hasMessageStartingWith("gateways/" + g.id() + "/headers/Authorization (gateway 'alpha'): cannot be opened");
    }

    @Test
    void aUrlWhosePathOrQueryWasChangedWithSqlKeepsItsHeadersReadable() {
        GatewayRepository repository = gateways(SecretBox.of(K1, false));
        GatewayRecord g = repository.insert("alpha", "streamable_http", httpSpec("alpha-token"), false);

        for (String moved : java.util.List.of("https://example.org/v2/mcp", "https://EXAMPLE.org:443/v2/mcp?tenant=acme",
                "HTTPS://example.org/")) {
            tamper("gateways", g.id(), spec -> spec.put("url", moved));
            assertThat(repository.find(g.id()).orElseThrow().spec()).as(moved).isEqualTo(withUrl(httpSpec("alpha-token"), moved));
        }
    }

    @Test
    void aStdioCommandChangedWithSqlLeavesItsEnvironmentSealed() {
        GatewayRepository repository = gateways(SecretBox.of(K1, false));
        GatewayRecord g = repository.insert("alpha", "stdio", stdioSpec("stdio-k3y"), false);
        assertThat(repository.find(g.id()).orElseThrow().spec()).isEqualTo(stdioSpec("stdio-k3y"));

        tamper("gateways", g.id(), spec -> spec.putArray("command").add("sh").add("-c").add("env > /tmp/collected"));

        assertThatThrownBy(opening(() -> repository.find(g.id()))).isInstanceOf(SecretsException.class)
                .hasMessage("gateways/" + g.id() + "/env/API_KEY (gateway 'alpha'): cannot be opened with FORGE_ENCRYPTION_KEY "
                        + "(was the key changed, or the value copied here from another record or field, or its url/command changed?)");
        tamper("gateways", g.id(), spec -> spec.putArray("command").add("npx").add("-y").add("@acme/mcp-server").add("--verbose"));
        assertThatThrownBy(opening(() -> repository.find(g.id()))).hasMessageStartingWith("gateways/" + g.id() + "/env/API_KEY");
        tamper("gateways", g.id(), spec -> spec.set("command", stdioSpec("").get("command")));
        assertThat(repository.find(g.id()).orElseThrow().spec()).as("the command put back").isEqualTo(stdioSpec("stdio-k3y"));
    }

    @Test
    void anEnvironmentVariableAddedInTheClearBesideSealedOnesIsRefusedAndNotSealedByRotation() {
        GatewayRepository repository = gateways(SecretBox.of(K1, false));
        GatewayRecord g = repository.insert("alpha", "stdio", stdioSpec("stdio-k3y"), false);
        tamper("gateways", g.id(), spec -> spec.withObject("/env").put("PATH", "/tmp/collector:/usr/bin"));
        Map<String, String> before = rows("gateways");

        assertThatThrownBy(opening(() -> repository.find(g.id()))).isInstanceOf(SecretsException.class)
                .hasMessageStartingWith("gateways/" + g.id() + "/env/PATH (gateway 'alpha'): stored in the clear beside sealed values");
        assertThatThrownBy(() -> new SecretRotation(database, SecretBox.of(K2, K1, false)).run(false))
                .hasMessageStartingWith("nothing was written: gateways/" + g.id() + "/env/PATH");
        assertThat(rows("gateways")).isEqualTo(before);
    }

    @Test
    void anUpdateThroughTheRepositoryReSealsForTheNewDestination() {
        GatewayRepository repository = gateways(SecretBox.of(K1, false));
        GatewayRecord g = repository.insert("alpha", "streamable_http", httpSpec("alpha-token"), false);
        ObjectNode moved = withUrl(httpSpec("alpha-token"), "https://mcp.example.net/mcp?api_key=k3y");
        repository.update(g.id(), g.name(), g.transport(), moved, false);
        assertThat(repository.find(g.id()).orElseThrow().spec()).isEqualTo(moved);
    }

    @Test
    void rotationSealsUrlsStoredInTheClearAndReSealsSealedOnes() throws Exception {
        String url = "https://forge:url-pa55word@example.org/mcp?api_key=url-k3y";
        GatewayRecord sealed = gateways(SecretBox.of(K1, false)).insert("alpha", "streamable_http",
                withUrl(httpSpec("alpha-token"), url), false);
        GatewayRecord clear = gateways(SecretBox.of(null, false)).insert("beta", "streamable_http",
                withUrl(httpSpec("beta-token"), url), false);
        RestToolRepository.RestToolRecord tool = restTools(SecretBox.of(null, false)).insert("items",
                withUrl(restSpec("rest-key"), "https://api.example.org/items/{id}?api_key=rest-k3y"));
        assertThat(rows("gateways").toString() + rows("rest_tools")).contains("url-pa55word", "rest-k3y");

        SecretBox rotating = SecretBox.of(K2, K1, false);
        assertThat(new SecretRotation(database, rotating).run(false)).containsExactly( // three values and a url in each gateway
                new SecretRotation.Count("gateways", 4, 4, 0), new SecretRotation.Count("rest_tools", 0, 2, 0));

        assertThat(rows("gateways").toString() + rows("rest_tools")) // rows: SQLite keeps the old text in free pages until overwritten
                .doesNotContain("url-pa55word", "url-k3y", "rest-k3y", "alpha-token", "beta-token", "rest-key");
        SecretBox newKeyAlone = SecretBox.of(K2, false);
        assertThat(gateways(newKeyAlone).find(sealed.id()).orElseThrow().spec()).isEqualTo(withUrl(httpSpec("alpha-token"), url));
        assertThat(gateways(newKeyAlone).find(clear.id()).orElseThrow().spec()).isEqualTo(withUrl(httpSpec("beta-token"), url));
        assertThat(restTools(newKeyAlone).list()).extracting(RestToolRepository.RestToolRecord::spec)
                .containsExactly(withUrl(restSpec("rest-key"), "https://api.example.org/items/{id}?api_key=rest-k3y"));
        assertThat(Json.parse(stored("rest_tools", tool.id())).get("url").asString()).startsWith("enc:v2:");

        Map<String, String> before = rows("gateways");
        assertThat(new SecretRotation(database, rotating).run(false)).containsExactly(
                new SecretRotation.Count("gateways", 0, 0, 8), new SecretRotation.Count("rest_tools", 0, 0, 2));
        assertThat(rows("gateways")).isEqualTo(before);
    }

    @Test
    void aValueNoKeyOpensStopsTheRotationBeforeAnyTableIsWritten() {
        GatewayRecord g = gateways(SecretBox.of(K1, false)).insert("alpha", "streamable_http", httpSpec("alpha-token"), false);
        RestToolRepository.RestToolRecord stranger = restTools(SecretBox.of(K3, false)).insert("stranger", restSpec("rest-key"));
        Map<String, String> gatewaysBefore = rows("gateways");
        Map<String, String> toolsBefore = rows("rest_tools");

        assertThatThrownBy(() -> new SecretRotation(database, SecretBox.of(K2, K1, false)).run(false))
                .isInstanceOf(SecretsException.class)
                .hasMessageStartingWith("nothing was written: rest_tools/" + stranger.id() + "/headers/X-Api-Key (REST tool 'stranger'): "
                        + "cannot be opened with FORGE_ENCRYPTION_KEY or FORGE_ENCRYPTION_KEY_PREVIOUS");
        assertThat(rows("gateways")).isEqualTo(gatewaysBefore);
        assertThat(rows("rest_tools")).isEqualTo(toolsBefore);
        assertThat(gateways(SecretBox.of(K1, false)).find(g.id())).isPresent();
    }

    @Test
    void aDryRunCountsButWritesNothing() {
        gateways(SecretBox.of(K1, false)).insert("alpha", "streamable_http", httpSpec("alpha-token"), false);
        Map<String, String> before = rows("gateways");
        assertThat(new SecretRotation(database, SecretBox.of(K2, K1, false)).run(true)).containsExactly(
                new SecretRotation.Count("gateways", 3, 0, 0), new SecretRotation.Count("rest_tools", 0, 0, 0));
        assertThat(rows("gateways")).isEqualTo(before);
    }

    @Test
    void rotationWithoutACurrentKeyIsRefused() {
        assertThatThrownBy(() -> new SecretRotation(database, SecretBox.of(null, false)).run(false))
                .isInstanceOf(SecretsException.class).hasMessageStartingWith("FORGE_ENCRYPTION_KEY is not set");
    }

    /**
     * Reading answers a record marked unreadable instead of throwing (one bad row must not hide the others at start):
     * this turns the mark back into the failure it records, for the assertions below.
     */
    private static org.assertj.core.api.ThrowableAssert.ThrowingCallable opening(java.util.concurrent.Callable<?> read) {
        return () -> {
            Object got = read.call();
            java.util.Collection<?> records = got instanceof java.util.Optional<?> one ? one.stream().toList()
                    : got instanceof java.util.Collection<?> many ? many : java.util.List.of(got);
            for (Object record : records) {
                String why = record instanceof GatewayRecord g ? g.unreadable()
                        : record instanceof RestToolRepository.RestToolRecord t ? t.unreadable() : null;
                if (why != null) {
                    throw new SecretsException(why);
                }
            }
        };
    }
}

package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.config.ConfigLoader;
import dev.forge.config.DatabaseUrl;
import dev.forge.config.RouterConfig;
import dev.forge.config.ServerRole;
import dev.forge.config.ServiceConfig;
import dev.forge.config.ServiceManagerConfig;
import dev.forge.config.ServicePriority;
import dev.forge.config.UnconfiguredService;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The production layout: a service manager and a gateway in separate processes (here: separate instances), the
 * gateway with FORGE_ENABLE_DYNAMIC_SERVICES federating the manager's services, both requiring tokens. A call
 * through the gateway to a sleeping service wakes it on the manager.
 */
class SplitRolesTest {

    static final String SECRET = "split-roles-secret-0123456789-abcdefgh";

    /** A copy of {@code service} under another name that names a variable nobody has set. */
    private static UnconfiguredService waiting(ServiceConfig service) {
        return new UnconfiguredService("waiting", List.of("WAITING_TOKEN"), true, ServicePriority.NORMAL, variables ->
                new ConfigLoader(variables).service("test", Json.parse("""
                        {"name":"waiting","command":%s,"environment":{"WAITING_TOKEN":"%s"}}"""
                        .formatted(Json.text(Json.valueToTree(service.upstream().command())), variables.get("WAITING_TOKEN"))),
                        Duration.ofSeconds(20)));
    }

    @Test
    void aGatewayFederatesTheServicesOfASeparateServiceManager() throws Exception {
        ServiceConfig everything = new ConfigLoader(Map.of()).service("test", Json.parse("""
                {"name":"everything","command":%s,"sleep_policy":{"idle_timeout":"2s"}}"""
                .formatted(Json.text(Json.valueToTree(Peers.everythingStdio())))), Duration.ofSeconds(20));
        var security = TestGateways.security(Map.of("JWT_SECRET", SECRET));
        try (Gateway manager = TestGateways.start(TestGateways.config(List.of(), List.of()).withSecurity(security)
                .withRoles(EnumSet.of(ServerRole.SERVICE_MANAGER),
                        new ServiceManagerConfig(0, List.of(everything), List.of(waiting(everything)), false,
                                URI.create("http://127.0.0.1:0"))))) {
            URI managerUrl = URI.create("http://127.0.0.1:" + manager.serviceManagerPort());
            try (Gateway gateway = TestGateways.start(TestGateways.config(List.of(), List.of()).withSecurity(security)
                    .withRoles(EnumSet.of(ServerRole.GATEWAY), new ServiceManagerConfig(0, List.of(), true, managerUrl)))) {
                String token = Tokens.hs256(SECRET, Tokens.claims("user").claim("role", "developer").build());
                String rpc = TestGateways.baseUrl(gateway) + "/rpc";
                String echo = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"everything__echo\",\"arguments\":{\"message\":\"%s\"}}}";
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        Tokens.send("POST", rpc, token, echo.formatted("first")).body().contains("Echo: first"));

                String services = managerUrl + "/services/everything";
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        Json.parse(Tokens.send("GET", services, token, null).body()).path("state").asString().equals("sleeping"));
                JsonNode woken = Json.parse(Tokens.send("POST", rpc, token, echo.formatted("woken")).body());
                assertThat(woken.path("result").path("content").get(0).path("text").asString()).isEqualTo("Echo: woken");
                assertThat(Json.parse(Tokens.send("GET", services, token, null).body()).path("state").asString()).isEqualTo("running");

                // a gateway without the tool-router role still finds tools for a task (the guide's POST /tools check)
                JsonNode routed = Json.parse(Tokens.send("POST", TestGateways.baseUrl(gateway) + "/tools", token,
                        "{\"task\": \"echo back a message\", \"context\": \"testing\"}").body());
                assertThat(routed.toString()).contains("everything__echo");

                // a service waiting for its variables is not federated until they are provided
                assertThat(gateway.federation().find("waiting")).isNull();
                String admin = Tokens.hs256(SECRET, Tokens.claims("operator").claim("role", "admin").build());
                assertThat(Tokens.send("PUT", managerUrl + "/services/waiting/environment", token, "{}").statusCode())
                        .as("a developer cannot hand a service its secrets").isEqualTo(403);
                var configured = Tokens.send("PUT", managerUrl + "/services/waiting/environment", admin, "{\"WAITING_TOKEN\":\"given\"}");
                assertThat(configured.statusCode()).as(configured.body()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(40)).until(() ->
                        Tokens.send("POST", rpc, token, echo.replace("everything__echo", "waiting__echo").formatted("late")).body()
                                .contains("Echo: late"));

                // the manager's own API and endpoints need a token like the gateway's
                assertThat(Tokens.send("GET", managerUrl + "/services", null, null).statusCode()).isEqualTo(401);
            }
        }
        assertThat(TestGateways.childProcesses("server-everything")).isZero();
    }

    @Test
    void aToolRouterOnItsOwnHearsOfAGatewayRegisteredOnTheGatewayWithinSeconds() throws Exception {
        var security = TestGateways.security(Map.of("JWT_SECRET", SECRET));
        String schema = "forge_split_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        postgres("CREATE SCHEMA " + schema);
        DatabaseUrl shared = DatabaseUrl.parse("test", "postgresql://postgres@127.0.0.1:5432/test?currentSchema=" + schema);
        try (Gateway gateway = TestGateways.start(TestGateways.config(List.of(), List.of()).withSecurity(security).withDatabase(shared))) {
            URI gatewayUrl = URI.create(TestGateways.baseUrl(gateway));
            try (Gateway router = TestGateways.start(TestGateways.config(List.of(), List.of()).withSecurity(security).withDatabase(shared)
                    .withRoles(EnumSet.of(ServerRole.TOOL_ROUTER), ServiceManagerConfig.none())
                    .withRouter(RouterConfig.defaults().withPort(0).withGatewayUrl(gatewayUrl)))) {
                String admin = Tokens.hs256(SECRET, Tokens.claims("ops").claim("role", "admin").build());
                await().atMost(Duration.ofSeconds(5)).until(() -> router.federation().upstreams().stream()
                        .noneMatch(u -> u.name().equals("everything"))); // its first reading is done: the next is 15 s away
                assertThat(Tokens.send("POST", gatewayUrl + "/gateways", admin, "{\"name\":\"everything\",\"command\":"
                        + Json.text(Json.valueToTree(Peers.everythingStdio())) + "}").statusCode()).isEqualTo(201);
                await("the router federates the new gateway through the gateway").atMost(Duration.ofSeconds(5))
                        .until(() -> router.federation().find("everything") != null);
            }
        } finally {
            postgres("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private static void postgres(String statement) throws Exception {
        try (var c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", null);
             var s = c.createStatement()) {
            s.execute(statement);
        }
    }

    @Test
    void aToolRouterOnItsOwnIndexesTheGatewaysUpstreamsAndCallsThroughIt() throws Exception {
        var security = TestGateways.security(Map.of("JWT_SECRET", SECRET));
        try (Gateway gateway = TestGateways.start(TestGateways.config(List.of(TestGateways.stdio("everything", Peers.everythingStdio())),
                List.of()).withSecurity(security))) {
            URI gatewayUrl = URI.create(TestGateways.baseUrl(gateway));
            try (Gateway router = TestGateways.start(TestGateways.config(List.of(), List.of()).withSecurity(security)
                    .withRoles(EnumSet.of(ServerRole.TOOL_ROUTER), ServiceManagerConfig.none())
                    .withRouter(RouterConfig.defaults().withPort(0).withGatewayUrl(gatewayUrl)))) {
                String routerUrl = "http://127.0.0.1:" + router.toolRouterPort();
                String token = Tokens.hs256(SECRET, Tokens.claims("user").claim("role", "developer").build());
                await().atMost(Duration.ofSeconds(30)).until(() -> Tokens.send("POST", routerUrl + "/route", token,
                        "{\"task\": \"echo back a message\"}").body().contains("everything__echo"));

                String session = Tokens.initialize(routerUrl + "/mcp", token).headers().firstValue("Mcp-Session-Id").orElseThrow();
                JsonNode called = Json.parse(SecurityTest.send(routerUrl + "/mcp", token, session, """
                        {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"router__call_tool","arguments":{"name":"everything__echo","arguments":{"message":"via the router"}}}}""").body());
                assertThat(called.toString()).contains("Echo: via the router");
                // the call went through the gateway's server: the router started no copy of its own
                assertThat(TestGateways.childProcesses("server-everything")).isEqualTo(1);
            }
        }
    }
}

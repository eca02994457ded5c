package dev.forge.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.protocol.Json;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import dev.forge.upstream.AddressPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.Promise;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Spellings of metadata and private addresses meant to slip past the SSRF guard, at registration and at connection. */
class HostileAddressesTest {

    /** Each resolves (by a resolver's rules, or by DNS where there is DNS) to a metadata or private address. */
    static final Map<String, String> DISGUISED = Map.of(
            "0xa9fea9fe", "cloud metadata",
            "2852039166", "cloud metadata",
            "0251.0376.0251.0376", "cloud metadata",
            "169.254.43518", "cloud metadata",
            "metadata.google.internal.", "cloud metadata",
            "169.254.169.254.nip.io", "cloud metadata",
            "169-254-169-254.sslip.io", "cloud metadata",
            "10.1.2.3.nip.io", "private network");

    /** Stands in for DNS (there is none here): wildcard names resolve to the address they spell, as nip.io does. */
    static InetAddress[] dns(String host) throws UnknownHostException {
        return switch (host) {
            case "169.254.169.254.nip.io", "169-254-169-254.sslip.io", "metadata.google.internal.", "metadata.google.internal" ->
                    new InetAddress[] {InetAddress.getByName("169.254.169.254")};
            case "10.1.2.3.nip.io" -> new InetAddress[] {InetAddress.getByName("10.1.2.3")};
            default -> InetAddress.getAllByName(host);
        };
    }

    @Test
    void registeringAnUpstreamAtADisguisedMetadataOrPrivateAddressIsRefused() throws Exception {
        try (Gateway gateway = TestGateways.start(TestGateways.config(List.of(), List.of()))) {
            String base = TestGateways.baseUrl(gateway);
            int i = 0;
            for (Map.Entry<String, String> target : DISGUISED.entrySet()) {
                String url = "http://" + target.getKey() + "/mcp";
                HttpResponse<String> r = Tokens.send("POST", base + "/gateways", null,
                        "{\"name\":\"disguised-" + i++ + "\",\"url\":\"" + url + "\"}");
                assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(422);
                // java.net.URI takes no octal or short dotted forms: such URLs are refused before the guard sees them
                assertThat(Json.parse(r.body()).path("message").asString()).as(url)
                        .contains(URI.create(url).getHost() == null ? "expected: http" : "SSRF guard");
            }
            assertThat(Tokens.send("GET", base + "/gateways", null, null).body()).isEqualTo("[]");
        }
    }

    @Test
    void theConnectionTimeGuardRefusesEveryDisguiseOnceResolved() throws Exception {
        AddressPolicy policy = new AddressPolicy(false, true, Set.of(), HostileAddressesTest::dns);
        for (Map.Entry<String, String> target : DISGUISED.entrySet()) {
            Promise.Completable<List<InetSocketAddress>> resolved = new Promise.Completable<>();
            policy.resolve(target.getKey(), 80, Map.of(), resolved);
            assertThat(resolved).as(target.getKey()).failsWithin(5, TimeUnit.SECONDS)
                    .withThrowableOfType(ExecutionException.class)
                    .withMessageContaining("SSRF guard").withMessageContaining(target.getValue());
        }
    }

    @Test
    void aRestToolsCallerCannotReachMetadataWithANumericHost() throws Exception {
        try (Gateway gateway = TestGateways.start(TestGateways.config(List.of(), List.of()))) {
            String base = TestGateways.baseUrl(gateway);
            assertThat(Tokens.send("POST", base + "/tools", null,
                    "{\"name\":\"fetch\",\"url\":\"http://{host}/latest/meta-data\",\"request_type\":\"GET\"}").statusCode()).isEqualTo(201);
            for (String host : List.of("0xa9fea9fe", "2852039166")) {
                HttpResponse<String> call = Tokens.send("POST", base + "/rpc", null,
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"rest__fetch\",\"arguments\":{\"host\":\"" + host + "\"}}}");
                JsonNode result = Json.parse(call.body()).path("result");
                assertThat(result.path("isError").asBoolean()).as(call.body()).isTrue();
                assertThat(result.path("content").get(0).path("text").asString()).as(host).contains("SSRF guard").contains("metadata");
            }
        }
    }

    @Test
    void ordinaryNamesAndAddressesAreNotMistakenForDisguises() {
        AddressPolicy policy = new AddressPolicy(false, true, Set.of(), HostileAddressesTest::dns);
        for (String url : List.of("http://127.0.0.1:8080/mcp", "http://localhost./mcp", "http://api.example.com/",
                "http://v1.2.3.example.com/", "http://build-2024-01-02.example.com/")) {
            assertThat(policy.refusal(URI.create(url))).as(url).isNull();
        }
    }
}

package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
import dev.forge.support.Peers;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The operators' console in a real browser (Debian's chromium), against a real Forge that wants credentials and
 * federates server-everything: signing in (and being refused), the overview's live figures, creating and revoking a
 * token, and what a viewer may not do. Each journey leaves a screenshot of the page it ends on.
 */
class ConsoleJourneyTest extends dev.forge.support.ConsoleBrowserTest {

    static Gateway gateway;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("forge-console");
        ForgeConfig config = secured(List.of(TestGateways.stdio("everything", Peers.everythingStdio())), Map.of(
                "BASIC_AUTH_USER", "admin", "BASIC_AUTH_PASSWORD", "console-password-123", "AUDIT_LOG_PATH", dir.resolve("audit.log").toString()));
        gateway = TestGateways.start(config);
        base = TestGateways.baseUrl(gateway);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }



    /** One tool call through the gateway, in the modern era (no session to open): its answer's text. */
    static String echo(String token, String message) throws Exception {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"everything__echo\","
                + "\"arguments\":{\"message\":\"" + message + "\"},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":"
                + "\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
        return RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mcp")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/call").header("Mcp-Name", "everything__echo")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    void signIn(String token) {
        signIn(base, token);
    }

    @Test
    void aWrongTokenIsRefusedOnTheSignInPageAndTheRightOneOpensTheOverview() throws Exception {
        browser.open(base + "/admin");
        browser.await(d -> d.getCurrentUrl().contains("/admin/login?next=%2Fadmin"));
        browser.screenshot("sign-in");
        browser.type("#token", "not-a-token");
        browser.find("#sign-in-button").click();
        WebElement error = browser.await(d -> d.findElement(By.cssSelector("p.error")));
        assertThat(error.getText()).startsWith("Not signed in:");
        assertThat(browser.find("#token").getAttribute("value")).as("the token is not rendered back").isEmpty();

        browser.type("#token", token("admin"));
        browser.find("#sign-in-button").click();
        WebElement row = browser.await(d -> d.findElement(By.cssSelector("#upstreams tr[data-upstream=everything]")));
        assertThat(row.getText()).contains("ready").contains("legacy").contains("stdio");
        assertThat(browser.find(".who").getText()).contains("admin@example.com");

        // a call through the gateway shows in the upstream's figures without reloading the page
        for (int i = 0; i < 5; i++) {
            assertThat(echo(token("admin"), "figure " + i)).contains("Echo: figure " + i);
        }
        browser.await(d -> !d.findElement(By.cssSelector("#upstreams tr[data-upstream=everything] .p99")).getText().equals("–"));
        browser.screenshot("overview");
    }

    @Test
    void anAdminCreatesATokenSeesItOnceAndRevokesIt() throws Exception {
        signIn(token("admin"));
        String created = createToken(base, "console-made", "ci@example.com", "viewer");
        assertThat(created).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        browser.screenshot("tokens-created");
        // the token works: it reads the admin API, as a viewer
        HttpResponse<String> read = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/gateways"))
                .header("Authorization", "Bearer " + created).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).isEqualTo(200);
        // shown once: the list never holds it
        browser.open(base + "/admin/tokens");
        assertThat(browser.driver().getPageSource()).doesNotContain(created);

        WebElement row = browser.find("#tokens tr[data-token=console-made]");
        row.findElement(By.cssSelector("button.danger")).click();
        browser.driver().switchTo().alert().accept();
        browser.await(d -> d.findElement(By.cssSelector("#tokens tr[data-token=console-made]")).getAttribute("class").contains("revoked"));
        assertThat(browser.find("p.notice").getText()).contains("Revoked the token 'console-made'");
        HttpResponse<String> refused = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/gateways"))
                .header("Authorization", "Bearer " + created).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);
        browser.screenshot("tokens");
    }

    @Test
    void aViewerSeesButIsOfferedNoChangeAndAForgedChangeIsRefused() throws Exception {
        signIn(token("viewer"));
        assertThat(browser.find(".who").getText()).contains("read only");
        // the tokens page lists who holds what: like GET /tokens, it is a writer's
        assertThat(browser.all("nav a[href='/admin/tokens']")).isEmpty();
        HttpResponse<String> tokensPage = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/admin/tokens"))
                .header("Authorization", "Bearer " + token("viewer")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tokensPage.statusCode()).isEqualTo(403);
        browser.open(base + "/admin/gateways");
        assertThat(browser.all("#add-gateway")).isEmpty();
        assertThat(browser.all("button.danger")).isEmpty();

        // a change without the page's anti-forgery token is refused, even for an admin
        HttpResponse<String> forged = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/admin/tokens"))
                .header("Authorization", "Bearer " + token("admin")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=x&subject=y")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("anti-forgery token");
        // and a viewer's change, with the token, is refused by the access rule
        HttpResponse<String> viewer = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/admin/tokens"))
                .header("Authorization", "Bearer " + token("viewer")).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "forge_csrf=" + "a".repeat(64))
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + "a".repeat(64) + "&name=x&subject=y")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(viewer.statusCode()).isEqualTo(403);
    }

    @Test
    void theBasicAuthPasswordSignsInAndSignOutEndsTheSignIn() throws Exception {
        browser.open(base + "/admin/login");
        browser.type("#username", "admin");
        browser.type("#password", "console-password-123");
        browser.find("#sign-in-button").click();
        browser.await(d -> d.findElement(By.cssSelector("#upstreams")));
        browser.find("header form button").click();
        browser.await(d -> d.getCurrentUrl().contains("/admin/login"));
        browser.open(base + "/admin");
        browser.await(d -> d.getCurrentUrl().contains("/admin/login"));
    }
}

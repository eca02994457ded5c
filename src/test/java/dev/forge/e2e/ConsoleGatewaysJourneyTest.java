package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
import dev.forge.support.NodeHttpServer;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Gateways in the console, in Debian's chromium: adding server-everything over Streamable HTTP after a test connection
 * that shows its handshake and tools, a refused form that keeps what was typed but not its secrets, editing, disabling
 * and enabling, deleting — each checked where a user would notice it, down to an MCP client's tool list.
 */
class ConsoleGatewaysJourneyTest extends dev.forge.support.ConsoleBrowserTest {

    static Gateway gateway;
    static NodeHttpServer everything;
    static NodeHttpServer everythingSse;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        everything = NodeHttpServer.everything("streamableHttp");
        everythingSse = NodeHttpServer.everything("sse");
        ForgeConfig config = secured(List.of(), Map.of());
        gateway = TestGateways.start(config);
        base = TestGateways.baseUrl(gateway);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
        if (everything != null) everything.close();
        if (everythingSse != null) everythingSse.close();
    }

    @BeforeEach
    void signInFirst() throws Exception {
        browser.open(base + "/admin/login");
        browser.type("#token", token("admin"));
        browser.find("#sign-in-button").click();
        browser.await(d -> d.findElement(By.cssSelector("#upstreams, p.empty")));
    }

    /** The tools an MCP client of the all-upstreams endpoint is offered. */
    static String toolList() throws Exception {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"_meta\":{"
                + "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
        return RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mcp"))
                .header("Authorization", "Bearer " + token("admin")).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "tools/list").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    void fillForm(String name, String url, String headers) {
        browser.type("#gateway-name", name);
        browser.find("#gateway-transport option[value=streamable-http]").click();
        browser.type("#gateway-url", url);
        browser.type("#gateway-headers", headers);
    }

    @Test
    void anOperatorTestsAddsEditsDisablesAndDeletesAGateway() throws Exception {
        browser.open(base + "/admin/gateways");
        browser.find("#add-gateway").click();
        fillForm("http-everything", everything.url("/mcp"), "Authorization: Bearer upstream-secret-1");
        browser.find("#test-connection").click();
        WebElement trial = browser.await(d -> d.findElement(By.cssSelector("#trial.ready")));
        assertThat(trial.getText()).contains("connected").contains("legacy era").contains("echo");
        assertThat(Integer.parseInt(trial.findElement(By.tagName("strong")).getText().replace(" tools", ""))).isGreaterThan(5);
        assertThat(browser.find("#gateway-name").getAttribute("value")).as("the form is as it was").isEqualTo("http-everything");
        browser.screenshot("gateway-test");

        browser.find("#save-gateway").click();
        WebElement notice = browser.await(d -> d.findElement(By.cssSelector("p.notice")));
        assertThat(notice.getText()).startsWith("Added the gateway 'http-everything': ready");
        WebElement row = browser.find("#gateways tr[data-gateway=http-everything]");
        assertThat(row.getText()).contains("ready").contains("legacy").contains("streamable-http");
        assertThat(toolList()).contains("http-everything__echo");
        browser.screenshot("gateways");

        // the edit form shows the stored header's name, never its value; saving keeps it
        browser.find("#gateways a[href='/admin/gateways/http-everything']").click();
        browser.await(d -> d.findElement(By.id("gateway-headers")));
        assertThat(browser.find("#gateway-headers").getAttribute("value")).isEqualTo("Authorization: ***");
        assertThat(browser.driver().getPageSource()).doesNotContain("upstream-secret-1");
        browser.type("#gateway-description", "server-everything over HTTP");
        browser.find("#save-gateway").click();
        assertThat(browser.await(d -> d.findElement(By.cssSelector("p.notice"))).getText()).startsWith("Saved the gateway 'http-everything': ready");

        browser.find("#gateways tr[data-gateway=http-everything] button.quiet").click(); // Disable
        browser.await(d -> d.findElement(By.cssSelector("#gateways tr[data-gateway=http-everything]")).getText().contains("disabled"));
        assertThat(toolList()).doesNotContain("http-everything__echo");
        browser.find("#gateways tr[data-gateway=http-everything] button.quiet").click(); // Enable
        browser.await(d -> d.findElement(By.cssSelector("p.notice")).getText().startsWith("Enabled"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> toolList().contains("http-everything__echo"));

        browser.find("#gateways tr[data-gateway=http-everything] button.danger").click();
        browser.driver().switchTo().alert().accept();
        browser.await(d -> d.findElement(By.cssSelector("p.notice")).getText().startsWith("Deleted the gateway 'http-everything'"));
        assertThat(browser.all("#gateways tr[data-gateway=http-everything]")).isEmpty();
    }

    /** The test connection over the other two transports: server-everything over legacy SSE, and run over stdio. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"sse", "stdio"})
    void theTestConnectionShowsTheHandshakeOverEachTransportWithoutSavingAnything(String transport) throws Exception {
        String name = transport + "-everything";
        browser.open(base + "/admin/gateways");
        browser.find("#add-gateway").click();
        browser.type("#gateway-name", name);
        browser.find("#gateway-transport option[value=" + transport + "]").click();
        if ("sse".equals(transport)) {
            browser.type("#gateway-url", everythingSse.url("/sse"));
        } else {
            browser.type("#gateway-command", String.join(" ", dev.forge.support.Peers.everythingStdio()));
        }
        browser.find("#test-connection").click();
        WebElement trial = browser.await(d -> d.findElement(By.cssSelector("#trial.ready, #trial.failed")));
        assertThat(trial.getText()).as(transport).contains("connected").contains("echo");
        assertThat(browser.find("#gateway-transport").getAttribute("value")).as("the form is as it was").isEqualTo(transport);
        assertThat(toolList()).as("a test connection saves nothing").doesNotContain(name + "__echo");
        assertThat(browser.all("#gateways tr[data-gateway=" + name + "]")).isEmpty();
    }

    @Test
    void aRefusedFormSaysWhyAndKeepsWhatWasTypedButNotItsSecrets() throws Exception {
        browser.open(base + "/admin/gateways/new");
        fillForm("Not A Name", everything.url("/mcp"), "Authorization: Bearer typed-secret-2");
        browser.find("#save-gateway").click();
        WebElement error = browser.await(d -> d.findElement(By.cssSelector("p.error")));
        assertThat(error.getText()).contains("name");
        assertThat(browser.find("#gateway-name").getAttribute("value")).isEqualTo("Not A Name");
        assertThat(browser.find("#gateway-headers").getAttribute("value")).isEqualTo("Authorization:");
        assertThat(browser.driver().getPageSource()).doesNotContain("typed-secret-2");

        // nothing listens there: the test connection says so in words, and nothing is saved
        browser.type("#gateway-name", "nowhere");
        browser.type("#gateway-url", "http://127.0.0.1:" + NodeHttpServer.freePort() + "/mcp");
        browser.find("#test-connection").click();
        WebElement failed = browser.await(d -> d.findElement(By.cssSelector("#trial.failed")));
        assertThat(failed.getText()).isNotBlank().doesNotContain("connected");
        browser.screenshot("gateway-test-failed");
        browser.open(base + "/admin/gateways");
        assertThat(browser.all("#gateways tr[data-gateway=nowhere]")).isEmpty();
    }
}

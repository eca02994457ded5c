package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;

/**
 * Virtual servers in the console, in a real browser against a real Forge that federates server-everything: composing
 * a server by searching for tools and ticking them, the count set against a client's limit, saving, a client
 * configuration with a token scoped to that server (which its endpoint takes and the all-tools endpoint refuses), the
 * registry's refusal of a bad name shown on the page, deleting, and what a viewer sees.
 */
class ConsoleServersJourneyTest extends dev.forge.support.ConsoleBrowserTest {

    static Gateway gateway;
    static String base;
    static Path auditFile;

    @BeforeAll
    static void start() throws Exception {
        auditFile = Files.createTempDirectory("forge-console-servers").resolve("audit.log");
        ForgeConfig config = secured(List.of(TestGateways.stdio("everything", Peers.everythingStdio())),
                Map.of("AUDIT_LOG_PATH", auditFile.toString()));
        gateway = TestGateways.start(config);
        base = TestGateways.baseUrl(gateway);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }



    void signIn(String token) {
        signIn(base, token);
    }

    /** Narrows the tool list to {@code query} and ticks the one tool named {@code tool}. */
    void searchAndTick(String query, String tool) {
        browser.type("#tool-filter", query);
        browser.await(d -> d.findElements(By.cssSelector("#tool-list li")).stream().filter(WebElement::isDisplayed).count() < 5);
        List<String> shown = browser.all("#tool-list li").stream().filter(WebElement::isDisplayed)
                .map(li -> li.findElement(By.cssSelector("code")).getText()).toList();
        assertThat(shown).contains(tool);
        browser.find("#tool-list input[value='" + tool + "']").click();
    }

    /** tools/list on an MCP endpoint in the modern era (one request, no session): the answer's status and body. */
    static HttpResponse<String> toolsList(String endpoint, String token) throws Exception {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"_meta\":{"
                + "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
        return RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(endpoint)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/list")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode answer(HttpResponse<String> response) {
        return ModernEdgeTest.answer(response);
    }

    @Test
    void aWriterComposesAServerFromTwoToolsAndItsScopedTokenReachesThoseTwoOnly() throws Exception {
        signIn(token("admin"));
        browser.open(base + "/admin/servers");
        browser.find("#new-server").click();
        browser.await(d -> d.findElement(By.id("tool-filter")).isDisplayed());
        browser.type("#server-name", "pair");
        browser.type("#server-description", "echo and sums for the docs team");

        searchAndTick("echo", "everything__echo");
        searchAndTick("sum", "everything__get-sum");
        browser.find("#tool-filter").sendKeys(Keys.ENTER); // a search, not the form's submission: "Created" below says so
        browser.type("#tool-filter", "no-such-tool");
        browser.await(d -> d.findElement(By.cssSelector("[data-none]")).isDisplayed());
        browser.find("#tool-filter").sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        browser.await(d -> d.findElements(By.cssSelector("#tool-list li")).stream().allMatch(WebElement::isDisplayed));
        assertThat(browser.find("#tool-count").getText()).isEqualTo("2");

        // the count against a client's limit: Cursor's 40 leaves room; a limit of 1 typed in is exceeded
        assertThat(browser.find("#limit-warning").isDisplayed()).isFalse();
        new Select(browser.find("#client-limit")).selectByValue("custom");
        browser.await(d -> d.findElement(By.id("custom-limit")).isDisplayed());
        browser.type("#custom-limit", "1");
        WebElement warning = browser.await(d -> {
            WebElement w = d.findElement(By.id("limit-warning"));
            return w.isDisplayed() ? w : null;
        });
        assertThat(warning.getText()).isEqualTo("2 tools selected: more than the 1 that this client takes.");
        browser.screenshot("server-compose");
        new Select(browser.find("#client-limit")).selectByValue("40");
        browser.await(d -> !d.findElement(By.id("limit-warning")).isDisplayed());

        browser.find("#save-server").click();
        browser.await(d -> d.getCurrentUrl().contains("/admin/servers/pair"));
        assertThat(browser.find("p.notice").getText()).startsWith("Created the server 'pair' with 2 tools.");
        String endpoint = base + "/servers/pair/mcp";
        assertThat(browser.find("#endpoint").getText()).isEqualTo(endpoint);
        assertThat(browser.find("#config-cursor-json").getAttribute("textContent")).contains(endpoint)
                .contains("\"Authorization\": \"Bearer <YOUR-TOKEN>\"");

        // a token for this server only, put into the configurations, shown once
        browser.find("#scoped-token-button").click();
        browser.await(d -> d.findElement(By.cssSelector("#connect.secret")));
        assertThat(browser.find("p.notice").getText()).contains("the token is not shown again");
        JsonNode vsCode = Json.parse(browser.find("#config-vscode-json").getAttribute("textContent"));
        JsonNode entry = vsCode.path("servers").path("forge-pair");
        assertThat(entry.path("type").asString()).isEqualTo("http");
        assertThat(entry.path("url").asString()).isEqualTo(endpoint);
        String scoped = entry.path("headers").path("Authorization").asString().substring("Bearer ".length());
        assertThat(scoped).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        JsonNode claude = Json.parse(browser.find("#config-claude-json").getAttribute("textContent"))
                .path("mcpServers").path("forge-pair");
        assertThat(claude.path("args").toString()).contains("mcp-remote", endpoint, "Authorization:${AUTH_HEADER}");
        assertThat(claude.path("env").path("AUTH_HEADER").asString()).isEqualTo("Bearer " + scoped);
        assertThat(Json.parse(browser.find("#config-cursor-json").getAttribute("textContent"))
                .path("mcpServers").path("forge-pair").path("headers").path("Authorization").asString()).isEqualTo("Bearer " + scoped);
        browser.screenshot("server-client-config");
        browser.open(base + "/admin/servers/pair");
        assertThat(browser.driver().getPageSource()).doesNotContain(scoped).contains("&lt;YOUR-TOKEN&gt;");

        // the server's endpoint shows exactly the two tools; the all-tools endpoint refuses the token
        HttpResponse<String> listed = toolsList(endpoint, scoped);
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        assertThat(answer(listed).path("result").path("tools")).extracting(t -> t.path("name").asString())
                .containsExactlyInAnyOrder("everything__echo", "everything__get-sum");
        assertThat(toolsList(base + "/mcp", scoped).statusCode()).isEqualTo(403);

        browser.open(base + "/admin/servers");
        WebElement row = browser.find("#servers tr[data-server=pair]");
        assertThat(row.findElement(By.cssSelector(".tools")).getText()).isEqualTo("2");
        assertThat(row.getText()).contains(endpoint).contains("echo and sums for the docs team");
        browser.screenshot("servers");

        // the change is audited as the API's would be
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(auditFile) && Files.readString(auditFile).contains("\"/servers\""));
        JsonNode change = Files.readAllLines(auditFile).stream().map(Json::parse)
                .filter(l -> l.path("event").asString().equals("registry_change") && l.path("path").asString().equals("/servers"))
                .findFirst().orElseThrow();
        assertThat(change.path("method").asString()).isEqualTo("POST");
        assertThat(change.path("subject").asString()).isEqualTo("admin@example.com");
        assertThat(change.path("status").asInt()).isEqualTo(201);
    }

    @Test
    void aBadNameIsRefusedWithTheRegistrysMessageAndDeletingRemovesTheServer() throws Exception {
        signIn(token("admin"));
        browser.open(base + "/admin/servers/new");
        browser.type("#server-name", "Short Lived");
        searchAndTick("echo", "everything__echo");
        browser.find("#save-server").click();
        WebElement error = browser.await(d -> d.findElement(By.cssSelector("p.error")));
        assertThat(error.getText()).isEqualTo("body.name: 'Short Lived' (expected: [a-z0-9-]+)");
        // the form comes back as it was sent
        assertThat(browser.find("#server-name").getAttribute("value")).isEqualTo("Short Lived");
        assertThat(browser.find("#tool-list input[value='everything__echo']").isSelected()).isTrue();
        assertThat(browser.find("#tool-count").getText()).isEqualTo("1");

        browser.type("#server-name", "short-lived");
        browser.find("#save-server").click();
        browser.await(d -> d.getCurrentUrl().endsWith("/admin/servers/short-lived") && !d.findElements(By.cssSelector("p.notice")).isEmpty());
        assertThat(browser.find("p.notice").getText()).startsWith("Created the server 'short-lived' with 1 tool.");

        browser.find("#delete-server button").click();
        browser.driver().switchTo().alert().accept();
        browser.await(d -> d.getCurrentUrl().endsWith("/admin/servers") && !d.findElements(By.cssSelector("p.notice")).isEmpty());
        assertThat(browser.find("p.notice").getText()).isEqualTo("Deleted the server 'short-lived': its endpoint is gone.");
        assertThat(browser.all("#servers tr[data-server=short-lived]")).isEmpty();
        assertThat(Tokens.send("GET", base + "/servers/short-lived", token("admin"), null).statusCode()).isEqualTo(404);
    }

    @Test
    void aViewerSeesAServerAndItsConfigurationsButNoChangeIsOffered() throws Exception {
        assertThat(Tokens.send("POST", base + "/servers", token("admin"),
                "{\"name\":\"readers\",\"tools\":[\"everything__echo\"],\"prompts\":[\"everything__simple-prompt\"]}").statusCode())
                .isEqualTo(201);
        signIn(token("viewer"));
        browser.open(base + "/admin/servers");
        assertThat(browser.all("#new-server")).isEmpty();
        WebElement row = browser.find("#servers tr[data-server=readers]");
        assertThat(row.findElement(By.cssSelector(".tools")).getText()).isEqualTo("1");
        assertThat(row.findElement(By.cssSelector(".prompts")).getText()).isEqualTo("1");
        row.findElement(By.linkText("Open")).click();
        browser.await(d -> d.getCurrentUrl().endsWith("/admin/servers/readers"));
        assertThat(browser.all("#scoped-token")).isEmpty();
        assertThat(browser.all("#save-server")).isEmpty();
        assertThat(browser.all("#delete-server")).isEmpty();
        assertThat(browser.find("#tool-list input[value='everything__echo']").isEnabled()).isFalse();
        assertThat(browser.find("#config-claude-json").getAttribute("textContent")).contains("Bearer <YOUR-TOKEN>");
        // the Cursor tab shows its configuration
        browser.find("[data-tab=config-cursor]").click();
        browser.await(d -> d.findElement(By.id("config-cursor")).isDisplayed());
        assertThat(browser.find("#config-claude").isDisplayed()).isFalse();
        // the list can still be searched and counted against a client's limit
        browser.type("#tool-filter", "echo");
        browser.await(d -> d.findElements(By.cssSelector("#tool-list li")).stream().filter(WebElement::isDisplayed).count() == 1);
        assertThat(browser.find("#tool-count").getText()).isEqualTo("1");

        // and a viewer's change, anti-forgery token and all, is refused by the access rule
        HttpResponse<String> refused = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/admin/servers/readers/delete"))
                .header("Authorization", "Bearer " + token("viewer")).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "forge_csrf=" + "a".repeat(64))
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + "a".repeat(64))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(Tokens.send("GET", base + "/servers/readers", token("admin"), null).statusCode()).isEqualTo(200);
    }
}

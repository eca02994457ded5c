package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
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
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * The console's catalog in a real browser against a real Forge federating server-everything: searching the tools,
 * turning one off and on (and seeing an MCP client's list follow), trying tools with forms made from their schemas
 * (a plain answer, an image, a long call's progress as it comes, a required field left empty), and what a viewer and a
 * principal without the right to call a tool meet.
 */
class ConsoleToolsJourneyTest extends dev.forge.support.ConsoleBrowserTest {

    static Gateway gateway;
    static String base;
    static Path audit;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("forge-console-tools");
        audit = dir.resolve("audit.log");
        ForgeConfig config = secured(List.of(TestGateways.stdio("everything", Peers.everythingStdio())),
                Map.of("AUDIT_LOG_PATH", audit.toString()));
        gateway = TestGateways.start(config);
        base = TestGateways.baseUrl(gateway);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }



    /** A token of the admin role with exactly these scopes. */
    static String scoped(String subject, String scopes) {
        JWTClaimsSet claims = Tokens.claims(subject).claim("role", "admin").claim("scope", scopes).build();
        return Tokens.hs256(SECRET, claims);
    }

    /** A modern-era MCP request to the gateway's /mcp, as a client sends it: the JSON-RPC answer's text. */
    static String mcp(String token, String method, String name, String params) throws Exception {
        String envelope = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{}}";
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":{"
                + (params.isEmpty() ? "" : params + ",") + envelope + "}}";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/mcp")).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", method).POST(HttpRequest.BodyPublishers.ofString(body));
        if (name != null) {
            request.header("Mcp-Name", name);
        }
        return RawMcp.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static String listedTools() throws Exception {
        return mcp(token("admin"), "tools/list", null, "");
    }

    void signIn(String token) {
        signIn(base, token);
    }

    List<String> toolRows() {
        return browser.all("#tools tbody tr").stream().map(r -> r.getAttribute("data-tool")).toList();
    }

    WebElement field(String name) {
        return browser.driver().findElement(By.id(name));
    }

    void script(String code) {
        ((JavascriptExecutor) browser.driver()).executeScript(code);
    }

    @Test
    void searchNarrowsTheListAndADisabledToolLeavesEveryClientsListUntilEnabledAgain() throws Exception {
        signIn(token("admin"));
        browser.find("header nav a[href='/admin/tools']").click();
        browser.await(d -> d.findElement(By.cssSelector("#tools tr[data-tool=everything__echo]")));
        int everything = toolRows().size();
        assertThat(everything).isGreaterThanOrEqualTo(10);
        assertThat(browser.find("#tools tr[data-tool=everything__echo]").getText()).contains("everything").contains("enabled")
                .contains("Echoes back the input string");

        browser.type("#search", "resource");
        browser.find("#search-button").click();
        browser.await(d -> d.getCurrentUrl().contains("q=resource"));
        List<String> found = toolRows();
        assertThat(found).contains("everything__get-resource-links", "everything__get-resource-reference")
                .doesNotContain("everything__echo").hasSizeLessThan(everything);
        for (String tool : found) {
            assertThat(browser.find("#tools tr[data-tool='" + tool + "']").getText().toLowerCase()).contains("resource");
        }
        assertThat(browser.find("#matched").getText()).isEqualTo(found.size() + " of " + everything + " tools match.");
        assertThat(browser.find("#search").getAttribute("value")).isEqualTo("resource");
        browser.screenshot("tools");

        // the same words search the resources and the prompts
        browser.find(".tabs a[href^='/admin/resources']").click();
        browser.await(d -> d.findElement(By.cssSelector("#matched")).getText().contains("resources"));
        assertThat(browser.find("#search").getAttribute("value")).isEqualTo("resource");
        browser.find(".tabs a[href^='/admin/prompts']").click();
        browser.await(d -> d.findElement(By.cssSelector("#matched")).getText().contains("prompts"));

        // disabling a tool takes it from an MCP client's list at once; enabling brings it back
        assertThat(listedTools()).contains("\"everything__echo\"");
        browser.open(base + "/admin/tools?q=echo");
        assertThat(toolRows()).containsExactly("everything__echo");
        browser.find("#tools tr[data-tool=everything__echo] button.toggle").click();
        browser.driver().switchTo().alert().accept();
        browser.await(d -> d.findElement(By.cssSelector("p.notice")).getText().contains("Disabled the tool 'everything__echo'"));
        assertThat(browser.driver().getCurrentUrl()).contains("q=echo");
        assertThat(browser.find("#tools tr[data-tool=everything__echo]").getText()).contains("disabled");
        assertThat(listedTools()).doesNotContain("everything__echo").contains("everything__get-sum");

        browser.find("#tools tr[data-tool=everything__echo] button.toggle").click();
        browser.await(d -> d.findElement(By.cssSelector("p.notice")).getText().contains("Enabled the tool 'everything__echo'"));
        assertThat(browser.find("#tools tr[data-tool=everything__echo]").getText()).contains("enabled");
        assertThat(listedTools()).contains("\"everything__echo\"");
        // audited as the API's change is, in the signed-in subject's name
        browser.await(d -> {
            try {
                return Files.exists(audit) && Files.readString(audit).lines().filter(l -> l.contains("registry_change")
                        && l.contains("\"path\":\"/tools/everything__echo/state\"") && l.contains("admin@example.com")).count() == 2;
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    @Test
    void tryingEchoShowsItsAnswerStreamedOrAfterAPlainPost() throws Exception {
        signIn(token("admin"));
        browser.open(base + "/admin/tools?q=echo");
        browser.find("#tools tr[data-tool=everything__echo] a").click();
        browser.await(d -> d.findElement(By.id("try-form")));
        assertThat(browser.find("#tool").getText()).contains("Echoes back the input string").contains("everything");
        assertThat(field("in/message").getAttribute("required")).isNotNull();

        field("in/message").sendKeys("hello from the console");
        browser.find("#try-button").click();
        WebElement result = browser.await(d -> d.findElement(By.cssSelector("#run-result[data-state=ok]")));
        assertThat(result.findElement(By.cssSelector("pre.text")).getText()).isEqualTo("Echo: hello from the console");
        assertThat(result.getText()).contains("Done in");
        WebElement raw = result.findElement(By.cssSelector("details.raw"));
        assertThat(raw.getAttribute("open")).isNull();
        raw.findElement(By.tagName("summary")).click();
        assertThat(raw.findElement(By.tagName("pre")).getText()).contains("\"type\" : \"text\"").contains("Echo: hello from the console");

        // without the page's script the form posts plainly, and the page comes back with the result
        field("in/message").clear();
        field("in/message").sendKeys("a plain post");
        script("document.getElementById('try-form').submit()");
        browser.await(d -> d.findElement(By.cssSelector("#run-result pre.text")).getText().equals("Echo: a plain post"));
        assertThat(field("in/message").getAttribute("value")).isEqualTo("a plain post");

        // an image comes back as an image
        browser.open(base + "/admin/tools/everything__get-tiny-image");
        browser.find("#try-button").click();
        WebElement image = browser.await(d -> d.findElement(By.cssSelector("#run-result .item.image img")));
        assertThat(image.getAttribute("src")).startsWith("data:image/png;base64,");
        // it loads (the page's policy lets data: images in)
        browser.await(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                "var i = document.querySelector('#run-result img'); return i.complete && i.naturalWidth > 0;")));
    }

    @Test
    void aFormFromASchemaRefusesARequiredFieldLeftEmptyInThePageAndOnTheServer() throws Exception {
        signIn(token("admin"));
        browser.open(base + "/admin/tools/everything__get-annotated-message");
        WebElement choice = field("in/messageType");
        assertThat(choice.getTagName()).isEqualTo("select");
        assertThat(choice.getAttribute("required")).isNotNull();
        assertThat(choice.findElements(By.tagName("option")).stream().map(WebElement::getText))
                .containsExactly("choose…", "error", "success", "debug");
        assertThat(field("in/includeImage").getAttribute("type")).isEqualTo("checkbox");
        assertThat(browser.find("[data-field=messageType] label").getText()).contains("*");
        browser.screenshot("try-tool");

        // the browser would stop the form; the server refuses it all the same, naming the field
        script("document.getElementById('try-form').noValidate = true");
        browser.find("#try-button").click();
        WebElement refused = browser.await(d -> d.findElement(By.cssSelector("#run-result[data-state=invalid]")));
        assertThat(refused.getText()).contains("“messageType” is required.");
        assertThat(browser.find("[data-field=messageType]").getAttribute("class")).contains("invalid");
        // and without the script: the page comes back with the field marked and its message beside it
        script("document.getElementById('try-form').submit()");
        WebElement marked = browser.await(d -> d.findElement(By.cssSelector(".field.invalid[data-field=messageType] .field-error")));
        assertThat(marked.getText()).isEqualTo("“messageType” is required.");

        new org.openqa.selenium.support.ui.Select(field("in/messageType")).selectByVisibleText("success");
        field("in/includeImage").click();
        browser.find("#try-button").click();
        WebElement result = browser.await(d -> d.findElement(By.cssSelector("#run-result[data-state=ok]")));
        assertThat(result.findElements(By.cssSelector(".item.text"))).isNotEmpty();
        assertThat(result.findElements(By.cssSelector(".item.image img"))).hasSize(1);

        // numbers go as numbers
        browser.open(base + "/admin/tools/everything__get-sum");
        assertThat(field("in/a").getAttribute("type")).isEqualTo("number");
        field("in/a").sendKeys("2");
        field("in/b").sendKeys("3.5");
        browser.find("#try-button").click();
        assertThat(browser.await(d -> d.findElement(By.cssSelector("#run-result[data-state=ok] pre.text"))).getText()).contains("5.5");
    }

    @Test
    void aLongToolShowsItsProgressAsItComesThenItsResult() throws Exception {
        signIn(token("admin"));
        browser.open(base + "/admin/tools?q=long");
        browser.find("#tools tr[data-tool=everything__trigger-long-running-operation] a").click();
        browser.await(d -> d.findElement(By.id("try-form")));
        field("in/duration").clear();
        field("in/duration").sendKeys("4");
        field("in/steps").clear();
        field("in/steps").sendKeys("4");
        browser.find("#try-button").click();

        // two updates shown while the call still runs: the result is not there yet
        browser.await(d -> d.findElements(By.cssSelector("#run-live .notes li.progress")).size() >= 2
                && d.findElements(By.id("run-result")).isEmpty());
        assertThat(browser.find("#run-live .notes li.progress").getText()).startsWith("1 of 4");
        assertThat(browser.find("#run-live progress").getAttribute("value")).isNotEqualTo("0");
        assertThat(browser.find("#try-button").isEnabled()).isFalse();
        browser.screenshot("try-tool-progress");

        WebElement result = browser.await(d -> d.findElement(By.cssSelector("#run-result[data-state=ok]")));
        assertThat(result.findElements(By.cssSelector(".notes li.progress"))).hasSizeGreaterThanOrEqualTo(2);
        assertThat(result.findElement(By.cssSelector("pre.text")).getText()).containsIgnoringCase("long running operation completed");
        assertThat(browser.find("#try-button").isEnabled()).isTrue();
    }

    @Test
    void stoppingTheCallOrLeavingThePageCancelsItUpstream() throws Exception {
        signIn(token("admin"));
        for (boolean leave : new boolean[] {false, true}) {
            long before = cancelledLongCalls();
            browser.open(base + "/admin/tools/everything__trigger-long-running-operation");
            field("in/duration").clear();
            field("in/duration").sendKeys("60");
            field("in/steps").clear();
            field("in/steps").sendKeys("60");
            browser.find("#try-button").click();
            browser.await(d -> !d.findElements(By.cssSelector("#run-live .notes li.progress")).isEmpty());
            if (leave) {
                browser.open(base + "/admin/tools");
            } else {
                browser.find("#run-live button.toggle").click();
                assertThat(browser.await(d -> d.findElement(By.cssSelector("#run-live.refused"))).getText())
                        .contains("Stopped: the gateway cancels the call.");
            }
            // the gateway ends the call long before the tool's minute is up: its audit line says it failed
            browser.await(d -> cancelledLongCalls() == before + 1);
        }
    }

    /** The long tool's calls the audit log records as ended without an answer. */
    static long cancelledLongCalls() {
        try {
            return !Files.exists(audit) ? 0 : Files.readString(audit).lines().filter(l -> l.contains("\"tool_call\"")
                    && l.contains("\"tool\":\"everything__trigger-long-running-operation\"") && l.contains("\"outcome\":\"failed\"")).count();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    @Test
    void aViewerSeesTheCatalogButNoToggleAndCannotTryATool() throws Exception {
        signIn(token("viewer"));
        browser.open(base + "/admin/tools");
        assertThat(toolRows()).contains("everything__echo");
        assertThat(browser.all("button.toggle")).isEmpty();
        browser.open(base + "/admin/tools/everything__echo");
        assertThat(browser.all("button.toggle")).isEmpty();
        assertThat(browser.find("#try-button").isEnabled()).isFalse();
        assertThat(browser.find("main").getText()).contains("admin:write");

        // and the requests the buttons would make are refused by the access rule
        for (String path : List.of("/admin/tools/everything__echo/toggle", "/admin/tools/everything__echo")) {
            HttpResponse<String> refused = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Bearer " + token("viewer")).header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cookie", "forge_csrf=" + "a".repeat(64))
                    .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + "a".repeat(64) + "&enabled=false&in%2Fmessage=x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(path).isEqualTo(403);
        }
        assertThat(listedTools()).contains("\"everything__echo\"");
    }

    @Test
    void aPrincipalWithoutTheRightToCallAToolGetsTheRefusalAClientGets() throws Exception {
        // may change things here, and call get-sum through the gateway, but not echo
        String limited = scoped("limited@example.com", "admin:read admin:write mcp tool:everything__get-sum");
        String client = mcp(limited, "tools/call", "everything__echo", "\"name\":\"everything__echo\",\"arguments\":{\"message\":\"x\"}");
        assertThat(client).contains("Forbidden: this token may not call everything__echo");
        signIn(limited);
        browser.open(base + "/admin/tools/everything__echo");
        assertThat(browser.find("main").getText()).contains("may not call this tool");
        field("in/message").sendKeys("x");
        browser.find("#try-button").click();
        WebElement refused = browser.await(d -> d.findElement(By.cssSelector("#run-result[data-state=refused]")));
        String clientMessage = client.substring(client.indexOf("Forbidden:"), client.indexOf('"', client.indexOf("Forbidden:")));
        assertThat(refused.getText()).contains("Refused by the gateway").contains(clientMessage);

        // a credential with no MCP scope at all reaches no endpoint that shows the tool
        signIn(scoped("console-only@example.com", "admin:read admin:write"));
        browser.open(base + "/admin/tools/everything__get-sum");
        field("in/a").sendKeys("1");
        field("in/b").sendKeys("2");
        browser.find("#try-button").click();
        assertThat(browser.await(d -> d.findElement(By.cssSelector("#run-result[data-state=refused]"))).getText())
                .contains("Forbidden: this token may not call everything__get-sum");
    }
}

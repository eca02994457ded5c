package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.config.ConfigLoader;
import dev.forge.config.ServerRole;
import dev.forge.config.ServiceConfig;
import dev.forge.config.ServiceManagerConfig;
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
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * The console's operations pages in a real browser, against a real Forge running every role with services.yml
 * servers as its children (server-everything twice, server-memory left stopped): putting a service to sleep and
 * waking it, following a service's log live, asking the tool router and rating its answer, reading the audit trail,
 * and what a viewer is not offered. A gateway with its service manager apart shows and changes that manager's
 * services too. Each journey leaves a screenshot of the page it ends on.
 */
class ConsoleOpsJourneyTest extends dev.forge.support.ConsoleBrowserTest {

    static Gateway gateway;
    static String base;
    static String managerUrl;
    static Path auditFile;

    static ServiceConfig service(String json) {
        return new ConfigLoader(Map.of()).service("test", Json.parse(json), Duration.ofSeconds(20));
    }

    static String command(List<String> words) {
        return Json.text(Json.valueToTree(words));
    }

    @BeforeAll
    static void start() throws Exception {
        auditFile = Files.createTempDirectory("forge-console-ops").resolve("audit.log");
        List<ServiceConfig> services = List.of(
                service("""
                        {"name":"scratch","command":%s,"sleep_policy":{"enabled":true,"idle_timeout":"10m","priority":"high"}}"""
                        .formatted(command(Peers.everythingStdio()))),
                service("""
                        {"name":"chatty","command":%s}""".formatted(command(Peers.everythingStdio()))),
                service("""
                        {"name":"notes","command":%s,"auto_start":false}""".formatted(command(Peers.memoryStdio()))));
        gateway = TestGateways.start(secured(List.of(), Map.of("AUDIT_LOG_PATH", auditFile.toString()))
                .withRoles(EnumSet.allOf(ServerRole.class), new ServiceManagerConfig(0, services, false, URI.create("http://127.0.0.1:0"))));
        base = TestGateways.baseUrl(gateway);
        managerUrl = "http://127.0.0.1:" + gateway.serviceManagerPort();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }




    /** One tool call through the gateway's {@code /rpc}: the answer's text. */
    static String call(String token, String tool, String message) throws Exception {
        return Tokens.send("POST", base + "/rpc", token, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"" + tool + "\",\"arguments\":{\"message\":\"" + message + "\"}}}").body();
    }

    static String state(String service) throws Exception {
        return Json.parse(Tokens.send("GET", managerUrl + "/services/" + service, token("admin"), null).body()).path("state").asString();
    }


    WebElement row(String service) {
        return browser.find("#services tr[data-service=" + service + "]");
    }

    String rowState(String service) {
        return row(service).findElement(By.cssSelector(".state")).getText();
    }

    @Test
    void anAdminPutsAServiceToSleepAndWakesItFromThePage() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> state("scratch").equals("running"));
        signIn(base, token("admin"));
        // the overview shows the services with their memory
        WebElement onOverview = browser.await(d -> d.findElement(By.cssSelector("#overview-services tr[data-service=scratch]")));
        browser.await(d -> d.findElement(By.cssSelector("#overview-services tr[data-service=scratch]")).getText().contains("MiB"));
        assertThat(onOverview.getText()).contains("running");
        browser.find("nav a[href='/admin/services']").click();
        browser.await(d -> rowState("scratch").equals("running"));
        WebElement scratch = row("scratch");
        assertThat(scratch.findElement(By.cssSelector(".pid")).getText()).matches("\\d+");
        assertThat(scratch.getText()).contains("high").contains("10 min");
        browser.await(d -> row("scratch").findElement(By.cssSelector(".memory")).getText().endsWith("MiB"));
        assertThat(rowState("notes")).isEqualTo("stopped");

        row("scratch").findElement(By.cssSelector("button[data-action=sleep]")).click();
        browser.await(d -> browser.find("p.notice").getText().contains("Put 'scratch' to sleep"));
        browser.await(d -> rowState("scratch").equals("sleeping"));
        assertThat(row("scratch").findElement(By.cssSelector(".why")).getText()).isEqualTo("put to sleep by admin@example.com");
        assertThat(row("scratch").findElement(By.cssSelector(".pid")).getText()).isEqualTo("–");
        assertThat(state("scratch")).as("the manager's API says the same").isEqualTo("sleeping");

        row("scratch").findElement(By.cssSelector("button[data-action=wake]")).click();
        browser.await(d -> browser.find("p.notice").getText().contains("Waking 'scratch'"));
        // the table refreshes itself: the service comes up without a reload
        browser.await(d -> rowState("scratch").equals("running") && row("scratch").findElement(By.cssSelector(".pid")).getText().matches("\\d+"));
        assertThat(call(token("admin"), "scratch__echo", "awake")).contains("Echo: awake");

        // stopping asks first; declining leaves it running
        row("notes").findElement(By.cssSelector("button[data-action=start]")).click();
        browser.await(d -> rowState("notes").equals("running"));
        row("notes").findElement(By.cssSelector("button[data-action=stop]")).click();
        browser.driver().switchTo().alert().dismiss();
        assertThat(state("notes")).isEqualTo("running");
        row("notes").findElement(By.cssSelector("button[data-action=stop]")).click();
        browser.driver().switchTo().alert().accept();
        browser.await(d -> rowState("notes").equals("stopped"));
        assertThat(row("notes").findElement(By.cssSelector(".why")).getText()).isEqualTo("stopped by admin@example.com");
        browser.screenshot("services");

        // the actions left the API's audit lines
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(auditFile)
                .contains("\"subject\":\"admin@example.com\",\"method\":\"POST\",\"path\":\"/services/scratch/sleep\",\"status\":202"));
    }

    @Test
    void aServicesLogPageShowsItsLinesAndFollowsNewOnesWithoutAReload() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> state("chatty").equals("running"));
        signIn(base, token("admin"));
        browser.open(base + "/admin/services/chatty");
        assertThat(browser.find("#service-state").getText()).isEqualTo("running");
        assertThat(browser.find("#service-facts").getText()).contains("memory (resident)").contains("MCP endpoint");
        browser.await(d -> browser.all("#log li.forge").stream().anyMatch(l -> l.getText().contains("started pid")));
        int before = browser.all("#log li").size();
        ((JavascriptExecutor) browser.driver()).executeScript("window.sameDocument = true;");

        // the process is restarted through the API: its lines arrive on the open page
        HttpResponse<String> restart = Tokens.send("POST", managerUrl + "/services/chatty/restart", token("admin"), null);
        assertThat(restart.statusCode()).as(restart.body()).isEqualTo(202);
        browser.await(d -> browser.all("#log li").stream().anyMatch(l -> l.getText().contains("stopped: restarting")));
        browser.await(d -> browser.all("#log li.forge").stream().filter(l -> l.getText().contains("started pid")).count() >= 2);
        assertThat(browser.all("#log li").size()).isGreaterThan(before);
        assertThat(((JavascriptExecutor) browser.driver()).executeScript("return window.sameDocument === true;"))
                .as("the page was not reloaded").isEqualTo(true);
        browser.await(d -> browser.find("#service-state").getText().equals("running"));
        browser.screenshot("service-log");
    }

    @Test
    void theRouterRanksAToolForATaskAndAThumbIsAcknowledged() throws Exception {
        // a developer may not change anything here, but asking the router and rating it are questions
        signIn(base, token("developer"));
        assertThat(browser.find(".who").getText()).contains("read only");
        browser.find("nav a[href='/admin/router']").click();
        browser.type("#task", "echo a message back to me");
        browser.find("#route-button").click();
        WebElement first = browser.await(d -> d.findElement(By.cssSelector("#ranked tbody tr")));
        assertThat(first.getAttribute("data-tool")).endsWith("__echo");
        assertThat(first.findElement(By.cssSelector(".score")).getText()).matches("\\d+\\.\\d{3}");
        assertThat(first.findElement(By.cssSelector(".match")).getText()).isIn("good match", "poor match", "not judged");
        String tool = first.getAttribute("data-tool");

        first.findElement(By.cssSelector("button.thumb.up")).click();
        WebElement notice = browser.await(d -> d.findElement(By.cssSelector("p.notice")));
        assertThat(notice.getText()).contains("recorded that '" + tool + "' fits this task");
        assertThat(browser.find("#task").getAttribute("value")).as("the question stays asked").isEqualTo("echo a message back to me");
        assertThat(browser.all("#ranked tbody tr")).isNotEmpty();
        browser.screenshot("router");
    }

    @Test
    void theAuditPageListsACallMadeThroughTheGatewayAndAFilterOnAnotherSubjectHidesIt() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> state("chatty").equals("running"));
        String auditor = token("auditor@example.com", "developer");
        assertThat(call(auditor, "chatty__echo", "for the record")).contains("Echo: for the record");
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(auditFile).contains("\"subject\":\"auditor@example.com\""));

        signIn(base, token("admin"));
        browser.find("nav a[href='/admin/audit']").click();
        WebElement call = browser.await(d -> d.findElements(By.cssSelector("#audit tr[data-event=tool_call]")).stream()
                .filter(r -> r.getText().contains("auditor@example.com")).findFirst().orElse(null));
        assertThat(call.findElement(By.cssSelector(".what")).getText()).isEqualTo("chatty__echo");
        assertThat(call.findElement(By.cssSelector(".detail")).getText()).startsWith("ok in").contains("on chatty");
        browser.screenshot("audit");

        browser.type("#audit-who", "auditor");
        browser.find("#audit-event option[value=tool_call]").click();
        browser.find("#audit-filter-button").click();
        browser.await(d -> d.getCurrentUrl().contains("who=auditor"));
        assertThat(browser.all("#audit tbody tr")).isNotEmpty().allMatch(r -> r.getText().contains("auditor@example.com"));

        browser.type("#audit-who", "viewer@example.com");
        browser.find("#audit-filter-button").click();
        browser.await(d -> d.getCurrentUrl().contains("who=viewer"));
        assertThat(browser.all("#audit tbody tr")).noneMatch(r -> r.getText().contains("auditor@example.com"));
        assertThat(browser.find("#audit-none").getText()).contains("No event matches these filters");
    }

    @Test
    void aViewerSeesTheServicesAndTheirLogsButIsOfferedNoAction() throws Exception {
        signIn(base, token("viewer"));
        browser.open(base + "/admin/services");
        browser.await(d -> d.findElement(By.cssSelector("#services tr[data-service=chatty]")));
        assertThat(browser.all("[data-action]")).isEmpty();
        assertThat(browser.all("#services th")).noneMatch(th -> th.getText().equalsIgnoreCase("actions"));
        browser.open(base + "/admin/services/chatty");
        browser.await(d -> !d.findElements(By.cssSelector("#log li")).isEmpty());
        assertThat(browser.all("[data-action]")).isEmpty();

        // and the action itself, forged with the page's anti-forgery token, is refused by the access rule
        String csrf = browser.find("meta[name=csrf-token]").getAttribute("content");
        HttpResponse<String> forged = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/admin/services/chatty/stop"))
                .header("Authorization", "Bearer " + token("viewer")).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "forge_csrf=" + csrf).POST(HttpRequest.BodyPublishers.ofString("_csrf=" + csrf)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(state("chatty")).isNotEqualTo("stopped");
    }

    @Test
    void aGatewayApartFromItsServiceManagerShowsAndChangesThatManagersServices() throws Exception {
        ServiceConfig remote = service("""
                {"name":"faraway","command":%s,"sleep_policy":{"enabled":true,"idle_timeout":"10m"}}"""
                .formatted(command(Peers.everythingStdio())));
        var security = TestGateways.security(Map.of("JWT_SECRET", SECRET, "AUTH_RATE_LIMIT_PER_MINUTE", "100000"));
        try (Gateway manager = TestGateways.start(TestGateways.config(List.of(), List.of()).withSecurity(security)
                .withRoles(EnumSet.of(ServerRole.SERVICE_MANAGER), new ServiceManagerConfig(0, List.of(remote), false,
                        URI.create("http://127.0.0.1:0"))))) {
            URI apart = URI.create("http://127.0.0.1:" + manager.serviceManagerPort());
            try (Gateway alone = TestGateways.start(TestGateways.config(List.of(), List.of()).withSecurity(security)
                    .withRoles(EnumSet.of(ServerRole.GATEWAY), new ServiceManagerConfig(0, List.of(), true, apart)))) {
                String url = TestGateways.baseUrl(alone);
                signIn(url, token("admin"));
                browser.open(url + "/admin/services");
                assertThat(browser.find("main .hint").getText()).contains("The service manager at " + apart);
                browser.await(d -> rowState("faraway").equals("running"));
                row("faraway").findElement(By.cssSelector("button[data-action=sleep]")).click();
                browser.await(d -> rowState("faraway").equals("sleeping"));
                // the manager heard it from the operator, not from the gateway
                assertThat(row("faraway").findElement(By.cssSelector(".why")).getText()).isEqualTo("put to sleep by admin@example.com");
                browser.open(url + "/admin/services/faraway");
                browser.await(d -> browser.all("#log li").stream().anyMatch(l -> l.getText().contains("asleep: put to sleep by admin@example.com")));
                // this one writes its audit lines to the main log: the audit page says so
                browser.find("nav a[href='/admin/audit']").click();
                assertThat(browser.await(d -> d.findElement(By.id("audit-elsewhere"))).getText()).contains("AUDIT_LOG_PATH=off");
            }
        }
    }
}

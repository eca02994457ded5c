package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.support.Balancer;
import dev.forge.support.TestGateways;
import dev.forge.support.TwoReplicas;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The console in Debian's chromium through nginx round-robin over two replicas that share Redis, as an operator of a
 * replicated deployment uses it: every page, form post and refresh may land on either replica. Signed in once, the
 * operator stays signed in, makes a change and signs out, wherever each request lands.
 */
class ConsoleReplicasJourneyTest extends dev.forge.support.ConsoleBrowserTest {

    static TwoReplicas replicas;
    static Balancer balancer;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        replicas = TwoReplicas.start("forge_console_ui", database -> secured(List.of(), Map.of("REDIS_URL", "redis://127.0.0.1:6379/0"))
                .withDatabase(database));
        balancer = Balancer.start(List.of(replicas.a().port(), replicas.b().port()));
        base = balancer.baseUrl();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (balancer != null) balancer.close();
        } finally {
            if (replicas != null) replicas.close();
        }
    }

    @Test
    void anOperatorSignsInOnceMakesAChangeAndSignsOutWhicheverReplicaEachRequestReaches() throws Exception {
        signIn(base, token("admin"));
        for (String page : List.of("/admin/gateways", "/admin/servers", "/admin/tokens", "/admin/audit", "/admin")) {
            browser.open(base + page);
            browser.await(d -> d.findElement(By.cssSelector("main")));
            assertThat(browser.driver().getCurrentUrl()).as("still signed in on " + page).doesNotContain("/admin/login");
            assertThat(browser.find(".who").getText()).contains("admin@example.com");
        }

        // a change: its form rendered by one replica, posted to the next
        assertThat(createToken(base, "replicated", "ci@example.com", "viewer")).contains(".");

        browser.find("form[action='/admin/logout'] button").click();
        browser.await(d -> d.getCurrentUrl().contains("/admin/login"));
        for (int i = 0; i < 2; i++) { // on both replicas: signed out
            browser.open(base + "/admin/gateways");
            browser.await(d -> d.getCurrentUrl().contains("/admin/login"));
        }
    }
}

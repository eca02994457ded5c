package dev.forge.support;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.forge.config.ForgeConfig;
import dev.forge.config.UpstreamConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;

/**
 * What every console journey starts from: a fresh browser per test (closed after it), a gateway that wants tokens
 * signed with {@link #SECRET}, tokens for a role, and signing in through the console's own form.
 */
public abstract class ConsoleBrowserTest {

    public static final String SECRET = "console-secret-0123456789-abcdefghijklmn";
    protected Browser browser;

    @BeforeEach
    void openBrowser() throws Exception {
        browser = Browser.start();
    }

    @AfterEach
    void closeBrowser() throws Exception {
        if (browser != null) browser.close();
    }

    /** A gateway over these upstreams that wants a token (or the console's sign-in), with these settings too. */
    public static ForgeConfig secured(List<UpstreamConfig> upstreams, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(Map.of("JWT_SECRET", SECRET, "AUTH_RATE_LIMIT_PER_MINUTE", "100000"));
        env.putAll(settings);
        return TestGateways.config(upstreams, List.of()).withSecurity(TestGateways.security(env));
    }

    public static String token(String subject, String role) {
        JWTClaimsSet claims = Tokens.claims(subject).claim("role", role).build();
        return Tokens.hs256(SECRET, claims);
    }

    /** A token of {@code role} for {@code ROLE@example.com}. */
    public static String token(String role) {
        return token(role + "@example.com", role);
    }

    /** Makes a token on the console's tokens page and returns it, as the page shows it once. */
    protected String createToken(String base, String name, String subject, String role) {
        browser.open(base + "/admin/tokens");
        if (!browser.find("#create-token").isDisplayed()) {
            browser.find("details summary").click();
        }
        browser.type("#token-name", name);
        browser.type("#token-subject", subject);
        browser.find("#token-role option[value=" + role + "]").click();
        browser.find("#create-token-button").click();
        return browser.await(d -> d.findElement(By.id("created-token"))).getText();
    }

    /** Signs in with the console's form and waits until its first page is there. */
    protected void signIn(String base, String token) {
        browser.open(base + "/admin/login");
        browser.type("#token", token);
        browser.find("#sign-in-button").click();
        browser.await(d -> !d.getCurrentUrl().contains("/admin/login") && !d.findElements(By.id("overview-tables")).isEmpty());
    }
}

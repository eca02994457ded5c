package dev.forge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the HTTPS variables combine, and what they do to the URLs Forge's roles reach each other at. */
class TlsSettingsTest {

    private static ForgeConfig load(Map<String, String> env) {
        return new ConfigLoader(env).load(ConfigLoader.Flags.none());
    }

    @Test
    void offUnlessAskedForAndThenTheGuidesFilesInSsl() {
        assertThat(load(Map.of()).tls().enabled()).isFalse();
        TlsConfig on = load(Map.of("SSL_ENABLED", "true")).tls();
        assertThat(on.enabled()).isTrue();
        assertThat(on.certFile()).isEqualTo(Path.of("ssl/server.crt"));
        assertThat(on.keyFile()).isEqualTo(Path.of("ssl/server.key"));
        assertThat(on.plainHttp()).isEqualTo(TlsConfig.PlainHttp.REDIRECT);
        assertThat(on.reloadInterval()).isEqualTo(Duration.ofSeconds(5));
        TlsConfig image = load(Map.of("SSL_ENABLED", "true", "SSL_DIR", "/ssl")).tls();
        assertThat(image.certFile()).isEqualTo(Path.of("/ssl/server.crt"));
    }

    @Test
    void namingTheKeyFileTurnsItOnAndSslEnabledFalseTurnsItOff() {
        TlsConfig named = load(Map.of("SSL_CERT_FILE", "/etc/letsencrypt/live/x/fullchain.pem",
                "SSL_KEY_FILE", "/etc/letsencrypt/live/x/privkey.pem", "SSL_PLAIN_HTTP", "refuse", "SSL_RELOAD_INTERVAL", "1m")).tls();
        assertThat(named.enabled()).isTrue();
        assertThat(named.certFile()).isEqualTo(Path.of("/etc/letsencrypt/live/x/fullchain.pem"));
        assertThat(named.plainHttp()).isEqualTo(TlsConfig.PlainHttp.REFUSE);
        assertThat(named.reloadInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(load(Map.of("SSL_ENABLED", "false", "SSL_KEY_FILE", "a.key")).tls().enabled()).isFalse();
    }

    @Test
    void sslCertFileAloneStaysTheCaBundleItIsForOpenSslAndTheServersForgeStarts() {
        Map<String, String> caBundle = Map.of("PATH", "/usr/bin", "SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt");
        assertThat(load(caBundle).tls().enabled()).isFalse();
        assertThat(load(caBundle).security().childEnvironment().build("test", Map.of(), java.util.List.of(), java.util.List.of()))
                .containsEntry("SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt");
        // a machine-wide CA bundle beside SSL_ENABLED=true: Forge serves the guide's pair and the bundle stays the children's
        Map<String, String> switched = Map.of("PATH", "/usr/bin", "SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt", "SSL_ENABLED", "true");
        assertThat(load(switched).tls().certFile()).isEqualTo(Path.of("ssl/server.crt"));
        assertThat(load(switched).security().childEnvironment().build("test", Map.of(), java.util.List.of(), java.util.List.of()))
                .containsEntry("SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt");
        // named with its key it is Forge's own certificate: a child would trust nothing but it
        Map<String, String> serving = Map.of("PATH", "/usr/bin", "SSL_CERT_FILE", "ssl/server.crt", "SSL_KEY_FILE", "ssl/server.key");
        assertThat(load(serving).security().childEnvironment().build("test", Map.of(), java.util.List.of(), java.util.List.of()))
                .containsEntry("PATH", "/usr/bin").doesNotContainKey("SSL_CERT_FILE");
    }

    @Test
    void theRolesDefaultUrlsFollowTheScheme() {
        ForgeConfig plain = load(Map.of());
        assertThat(plain.serviceManager().managerUrl().toString()).isEqualTo("http://127.0.0.1:9000");
        ForgeConfig tls = load(Map.of("SSL_ENABLED", "true", "PORT", "4443"));
        assertThat(tls.serviceManager().managerUrl().toString()).isEqualTo("https://127.0.0.1:9000");
        assertThat(tls.router().gatewayUrl().toString()).isEqualTo("https://127.0.0.1:4443");
        assertThat(load(Map.of("SSL_ENABLED", "true", "FORGE_SERVICE_MANAGER_URL", "https://service-manager:9000"))
                .serviceManager().managerUrl().toString()).isEqualTo("https://service-manager:9000");
    }

    @Test
    void badValuesNameTheirVariable() {
        assertThatThrownBy(() -> load(Map.of("SSL_ENABLED", "yes please"))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("SSL_ENABLED: ");
        assertThatThrownBy(() -> load(Map.of("SSL_PLAIN_HTTP", "allow"))).isInstanceOf(ConfigException.class)
                .hasMessage("SSL_PLAIN_HTTP: 'allow' (expected: redirect | refuse)");
        assertThatThrownBy(() -> load(Map.of("SSL_RELOAD_INTERVAL", "often"))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("SSL_RELOAD_INTERVAL: ");
    }
}

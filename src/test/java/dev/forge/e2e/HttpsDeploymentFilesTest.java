package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.config.TlsConfig;
import dev.forge.support.TestCertificates;
import dev.forge.support.TestCertificates.Pair;
import dev.forge.support.TestGateways;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * HTTPS in the files a deployment is made of: the image, the production compose file and the TLS file layered on it
 * agree on where the pair is, and the TLS balancer configuration runs for real (nginx) in front of a Forge serving
 * HTTPS, as the compose network would have it.
 */
class HttpsDeploymentFilesTest {

    static final List<String> FORGE_SERVICES = List.of("gateway", "service-manager", "tool-router");

    @Test
    void theImageAndBothComposeFilesAgreeOnTheSslDirectory() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertThat(dockerfile).contains("SSL_DIR=/ssl");
        assertThat(dockerfile).containsPattern("HEALTHCHECK[^\\n]*\\n\\s*CMD exec /usr/bin/env -i [^\\n]*https");
        JsonNode production = new YAMLMapper().readTree(Files.readString(Path.of("docker-compose.production.yml")));
        JsonNode tls = new YAMLMapper().readTree(Files.readString(Path.of("docker-compose.tls.yml")));
        for (String name : FORGE_SERVICES) {
            JsonNode service = production.path("services").path(name);
            assertThat(service.path("volumes").toString()).as(name).contains("./ssl:/ssl:ro");
            String health = service.path("healthcheck").path("test").toString();
            assertThat(health).as(name).contains("https://localhost:").contains("http://localhost:");
            assertThat(tls.path("services").path(name).path("environment").path("SSL_ENABLED").asString()).as(name).isEqualTo("true");
        }
        assertThat(tls.path("services").path("gateway").path("environment").path("FORGE_SERVICE_MANAGER_URL").asString())
                .isEqualTo("https://service-manager:9000");
        assertThat(tls.path("services").path("tool-router").path("environment").path("FORGE_GATEWAY_URL").asString())
                .isEqualTo("https://gateway:4444");
        String balancer = tls.path("services").path("balancer").path("volumes").toString();
        assertThat(balancer).contains("./docker/nginx/forge-balancer-tls.conf:/etc/nginx/nginx.conf:ro").contains("./ssl:/ssl:ro");
        String nginx = Files.readString(Path.of("docker/nginx/forge-balancer-tls.conf"));
        assertThat(nginx).contains("ssl_certificate /ssl/server.crt;").contains("ssl_certificate_key /ssl/server.key;")
                .contains("proxy_pass https://forge_gateways;").contains("proxy_pass https://forge_tool_routers;")
                .contains("ssl_protocols TLSv1.2 TLSv1.3;");
    }

    @Test
    void theTlsBalancerServesHttp2InFrontOfAForgeServingHttps(@TempDir Path dir) throws Exception {
        String nginx = Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
        Pair pair = TestCertificates.rsa(dir, "server", "localhost", true);
        try (Gateway forge = TestGateways.start(TestGateways.config(List.of(), List.of()).withTls(TlsConfig.OFF.withFiles(pair.cert(), pair.key())))) {
            int front = freePort();
            int unused = freePort();
            String configuration = Files.readString(Path.of("docker/nginx/forge-balancer-tls.conf"))
                    .replace("server gateway:4444", "server 127.0.0.1:" + forge.port())
                    .replace("server tool-router:8001", "server 127.0.0.1:" + forge.port())
                    .replace("listen 4444 ssl;", "listen 127.0.0.1:" + front + " ssl;")
                    .replace("listen 8001 ssl;", "listen 127.0.0.1:" + unused + " ssl;")
                    .replace("/ssl/server.crt", pair.cert().toString())
                    .replace("/ssl/server.key", pair.key().toString())
                    .replaceFirst("(?m)^error_log [^\\n]*$", "error_log " + dir.resolve("error.log") + " warn;")
                    .replaceFirst("(?m)^worker_processes [^\\n]*$", "worker_processes 1;");
            if (olderThan1251(nginx)) { // `http2 on;` is nginx 1.25.1's; the image's nginx:1.27 has it, Debian 12's 1.22 not
                configuration = configuration.replace("http2 on;", "").replace(" ssl;", " ssl http2;");
            }
            Path file = Files.writeString(dir.resolve("nginx.conf"), configuration);
            Process balancer = new ProcessBuilder(nginx, "-p", dir.toString(), "-c", file.toString(), "-e", dir.resolve("error.log").toString(),
                    "-g", "daemon off; pid " + dir.resolve("nginx.pid") + ";").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("out.log").toFile()).start();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> accepts(front) || !balancer.isAlive());
                assertThat(balancer.isAlive()).as("nginx: %s", Files.readString(dir.resolve("out.log"))).isTrue();
                HttpsTest.Run h2 = HttpsTest.run(List.of("curl", "-sS", "--http2", "--cacert", pair.cert().toString(), "-o", "/dev/null",
                        "-w", "%{http_version} %{http_code}", "https://localhost:" + front + "/health"));
                assertThat(h2.out()).as(h2.err()).isEqualTo("2 200");
                HttpsTest.Run plain = HttpsTest.run(List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                        "http://localhost:" + front + "/health"));
                assertThat(plain.out()).isEqualTo("308 https://localhost:" + front + "/health");
            } finally {
                balancer.destroy();
                balancer.waitFor();
            }
        }
    }

    private static boolean olderThan1251(String nginx) throws Exception {
        Process version = new ProcessBuilder(nginx, "-v").redirectErrorStream(true).start();
        Matcher m = Pattern.compile("nginx/(\\d+)\\.(\\d+)\\.(\\d+)").matcher(new String(version.getInputStream().readAllBytes()));
        version.waitFor();
        if (!m.find()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1)), minor = Integer.parseInt(m.group(2)), patch = Integer.parseInt(m.group(3));
        return major == 1 && (minor < 25 || minor == 25 && patch < 1);
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}

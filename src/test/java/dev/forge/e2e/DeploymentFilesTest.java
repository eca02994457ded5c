package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.support.Balancer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The compose file and the image, read as an operator's tools would (no Docker engine runs here to start them): the
 * guide's service and container names, each role's port published and health-checked where it listens, no Docker
 * socket, room for many open files, every variable they set documented, and every file the Dockerfile copies present;
 * nothing that stays running (the first process, a health check's curl) keeps the secrets in its environment.
 */
class DeploymentFilesTest {

    /** {@code container}: its fixed name, or null for a role that scales (reached through the balancer). */
    record Role(String service, String container, int port) {}

    static final List<Role> ROLES = List.of(new Role("gateway", null, 4444),
            new Role("service-manager", "forge-service-manager", 9000), new Role("tool-router", null, 8001));

    @Test
    void theComposeFileRunsEachRoleWhereTheGuideExpectsIt() throws Exception {
        JsonNode compose = new YAMLMapper().readTree(Files.readString(Path.of("docker-compose.production.yml")));
        JsonNode shared = compose.path("x-forge");
        assertThat(shared.path("env_file").get(0).asString()).isEqualTo(".env.production");
        assertThat(shared.path("read_only").asBoolean()).isTrue();
        assertThat(shared.path("user").asString()).isEqualTo("1000:1000");
        // SSE streams, upstream connections and child-process pipes are all file descriptors: not the guide's 1024/2048
        JsonNode nofile = shared.path("ulimits").path("nofile");
        assertThat(nofile.path("soft").asInt()).isGreaterThanOrEqualTo(65536);
        assertThat(nofile.path("hard").asInt()).isGreaterThanOrEqualTo(nofile.path("soft").asInt());
        String configuration = Files.readString(Path.of("docs/CONFIGURATION.md"));
        for (Role role : ROLES) {
            JsonNode service = compose.path("services").path(role.service());
            assertThat(service.path("<<").asString()).as(role.service()).isEqualTo("forge");
            assertThat(service.path("command").get(0).asString()).isEqualTo(role.service()); // docker/entrypoint.sh's role names
            if (role.container() != null) {
                assertThat(service.path("container_name").asString()).isEqualTo(role.container());
                assertThat(service.path("ports").get(0).asString()).endsWith(":" + role.port());
            } else { // `--scale` needs neither a fixed name nor a host port: the balancer publishes the port
                assertThat(service.has("container_name")).as("%s has a fixed container name", role.service()).isFalse();
                assertThat(service.has("ports")).as("%s publishes a host port", role.service()).isFalse();
                assertThat(service.path("expose").get(0).asString()).isEqualTo(String.valueOf(role.port()));
                assertThat(compose.path("services").path("balancer").path("ports").toString()).contains(":" + role.port() + "\"");
            }
            JsonNode healthCheck = service.path("healthcheck").path("test");
            assertThat(healthCheck.toString()).contains("localhost:" + role.port() + "/health");
            // it starts with the env_file's secrets; curl runs without them
            assertThat(List.of(healthCheck.get(1).asString(), healthCheck.get(2).asString())).as(role.service())
                    .containsExactly("/usr/bin/env", "-i");
            assertThat(service.path("volumes").toString()).doesNotContain("docker.sock");
            service.path("environment").propertyNames().forEach(name ->
                    assertThat(configuration).as("%s of %s is documented", name, role.service()).contains("`" + name + "`"));
        }
        assertThat(compose.path("services").path("tool-router").path("environment").path("FORGE_GATEWAY_URL").asString())
                .isEqualTo("http://gateway:4444");
    }

    @Test
    void theBalancerInFrontOfTheReplicasRunsTheConfigurationTheTestsRun() throws Exception {
        JsonNode compose = new YAMLMapper().readTree(Files.readString(Path.of("docker-compose.production.yml")));
        JsonNode balancer = compose.path("services").path("balancer");
        // the guide's `docker inspect forge-mcpgateway` finds the front door on 4444
        assertThat(balancer.path("container_name").asString()).isEqualTo("forge-mcpgateway");
        assertThat(balancer.path("image").asString()).startsWith("nginx:");
        String mount = balancer.path("volumes").get(0).asString();
        assertThat(mount).endsWith(":/etc/nginx/nginx.conf:ro");
        assertThat(Path.of(mount.substring(0, mount.indexOf(':'))).toAbsolutePath().normalize()).isEqualTo(Balancer.CONFIGURATION.normalize());
        assertThat(balancer.path("depends_on").toString()).contains("gateway").contains("tool-router");
        String nginx = Files.readString(Balancer.CONFIGURATION);
        // each scaled role behind it by its service name (one DNS record per replica), SSE passed through unbuffered
        assertThat(nginx).contains("server gateway:4444").contains("server tool-router:8001").contains("listen 4444;")
                .contains("listen 8001;").contains("proxy_buffering off;").contains("proxy_http_version 1.1;");
        assertThat(nginx).doesNotContain("ip_hash").doesNotContain("sticky"); // no affinity needed
    }

    @Test
    void everyFileTheImageCopiesExists() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        Matcher copy = Pattern.compile("(?m)^COPY (?!--from)(\\S+) ").matcher(dockerfile);
        int copies = 0;
        while (copy.find()) {
            assertThat(Path.of(copy.group(1))).as("COPY source").exists();
            copies++;
        }
        assertThat(copies).isGreaterThanOrEqualTo(4);
        // the entrypoint moves the secrets onto a pipe, then execs tini without them (DeploymentScriptsIT)
        assertThat(dockerfile).contains("ENTRYPOINT [\"/app/docker/entrypoint.sh\"]").contains(" tini ")
                .contains("CMD exec /usr/bin/env -i ");
        Matcher runtime = Pattern.compile("(?m)^FROM eclipse-temurin:(\\d+)-jre").matcher(dockerfile);
        assertThat(runtime.find()).isTrue();
        assertThat(Integer.parseInt(runtime.group(1))).as("a runtime where process protection works").isGreaterThanOrEqualTo(22);
        assertThat(Path.of("docker/entrypoint.sh")).isExecutable();
        for (Map.Entry<String, String> ignored : Map.of(".cache", "peers", "target", "build output", ".env", "secrets").entrySet()) {
            assertThat(Files.readAllLines(Path.of(".dockerignore"))).as(ignored.getValue()).contains(ignored.getKey());
        }
    }
}

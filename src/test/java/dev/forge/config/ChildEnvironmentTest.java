package dev.forge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildEnvironmentTest {

    private static final Map<String, String> FORGE = Map.ofEntries(
            Map.entry("PATH", "/usr/bin:/bin"), Map.entry("HOME", "/data"), Map.entry("LANG", "C.UTF-8"),
            Map.entry("LC_ALL", "C.UTF-8"), Map.entry("TZ", "UTC"), Map.entry("npm_config_cache", "/data/.npm"),
            Map.entry("UV_CACHE_DIR", "/data/.uv"), Map.entry("JWT_SECRET", "signing-key-0123456789abcdef"),
            Map.entry("FORGE_ENCRYPTION_KEY", "encryption-key-0123456789abcdef"), Map.entry("DATABASE_URL", "postgresql://u:p@db/x"),
            Map.entry("REDIS_URL", "redis://:pw@cache:6379"), Map.entry("LD_PRELOAD", "/tmp/evil.so"),
            Map.entry("LC_SECRET_TOKEN", "x"), Map.entry("HTTPS_PROXY", "http://proxy:3128"),
            Map.entry("HTTP_PROXY", "http://me:pass@proxy:3128"), Map.entry("ALL_PROXY", "me:pass@proxy:1080"),
            Map.entry("no_proxy", "http://u:p#ss@proxy"), Map.entry("SSL_CERT_FILE", "/etc/ssl/corp.pem"),
            Map.entry("GITHUB_TOKEN", "ghp_by_name"));

    @Test
    void aChildGetsTheAllowlistOnly() {
        Map<String, String> env = ChildEnvironment.of(FORGE).build("upstream 'x'", Map.of(), List.of(), List.of("server"));
        assertThat(env).containsOnlyKeys("PATH", "HOME", "LANG", "LC_ALL", "TZ", "npm_config_cache", "UV_CACHE_DIR", "HTTPS_PROXY",
                "SSL_CERT_FILE");
    }

    @Test
    void declaredVariablesAndInheritedNamesAreAdded() {
        Map<String, String> env = ChildEnvironment.of(FORGE).build("upstream 'x'", Map.of("API_KEY", "own-key", "PATH", "/opt/bin"),
                List.of("GITHUB_TOKEN", "NOT_SET_ANYWHERE"), List.of("server"));
        assertThat(env).containsEntry("API_KEY", "own-key").containsEntry("GITHUB_TOKEN", "ghp_by_name")
                .containsEntry("PATH", "/opt/bin").doesNotContainKey("NOT_SET_ANYWHERE").doesNotContainKey("JWT_SECRET");
    }

    @Test
    void forgesOwnKeysCannotBeInheritedOrDeclared() {
        assertThatThrownBy(() -> ChildEnvironment.checkInherited("gateways[0].inherit_env", List.of("JWT_SECRET")))
                .hasMessageContaining("gateways[0].inherit_env: JWT_SECRET is Forge's own");
        assertThatThrownBy(() -> ChildEnvironment.checkInherited("--inherit-env", List.of("not a name")))
                .hasMessage("--inherit-env: 'not a name' (expected: a variable name such as GITHUB_TOKEN)");
        assertThatThrownBy(() -> ChildEnvironment.of(FORGE).build("gateways[0] (x)", Map.of("TOKEN", "signing-key-0123456789abcdef"),
                List.of(), List.of("server")))
                .hasMessageContaining("gateways[0] (x).env.TOKEN: carries Forge's own JWT_SECRET")
                .hasMessageNotContaining("signing-key");
        assertThatThrownBy(() -> ChildEnvironment.of(FORGE).build("gateways[0] (x)", Map.of(), List.of(),
                List.of("server", "--key=encryption-key-0123456789abcdef")))
                .hasMessageContaining("gateways[0] (x).command[1]: carries Forge's own FORGE_ENCRYPTION_KEY")
                .hasMessageNotContaining("encryption-key-");
        assertThatThrownBy(() -> ChildEnvironment.checkInherited("inherit_env", List.of("DATABASE_URL")))
                .hasMessageContaining("DATABASE_URL is Forge's own");
    }

    @Test
    void inheritEnvIsReadFromForgeYamlAndServicesYml(@TempDir Path dir) throws Exception {
        Path yaml = Files.writeString(dir.resolve("forge.yaml"), """
                gateways:
                  - name: gh
                    command: npx -y some-github-server
                    inherit_env: [GITHUB_TOKEN, GH_HOST]
                """);
        Files.writeString(dir.resolve("services.yml"), """
                services:
                  gh:
                    command: npx -y some-github-server
                    inherit_env: [GITHUB_TOKEN]
                """);
        ForgeConfig config = new ConfigLoader(Map.of("CONFIG_PATH", dir.toString())).load(new ConfigLoader.Flags(yaml, null, null));
        assertThat(((UpstreamConfig.Stdio) config.gateways().getFirst()).inheritEnv()).containsExactly("GITHUB_TOKEN", "GH_HOST");
        assertThat(config.serviceManager().services().getFirst().upstream().inheritEnv()).containsExactly("GITHUB_TOKEN");

        Files.writeString(yaml, "gateways:\n  - name: gh\n    command: x\n    inherit_env: [FORGE_ENCRYPTION_KEY]\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(new ConfigLoader.Flags(yaml, null, null)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateways[0] (gh).inherit_env: FORGE_ENCRYPTION_KEY is Forge's own");
        Files.writeString(yaml, "gateways:\n  - name: gh\n    command: x\n    inherit_env: GITHUB_TOKEN\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(new ConfigLoader.Flags(yaml, null, null)))
                .hasMessageContaining("inherit_env: expected a list of variable names");
    }

    @Test
    void entriesSentToTheApiCannotReachForgesEnvironment() {
        var body = dev.forge.protocol.Json.parse("{\"name\":\"gh\",\"command\":\"x\",\"inherit_env\":[\"DATABASE_URL\"]}");
        assertThatThrownBy(() -> ConfigLoader.forRequestBodies().gateway("body", body, java.time.Duration.ofSeconds(5)))
                .hasMessageContaining("body.inherit_env: not accepted through the API");
        assertThatThrownBy(() -> ConfigLoader.forRequestBodies().service("body", body, java.time.Duration.ofSeconds(5)))
                .hasMessageContaining("body.inherit_env: not accepted through the API");
    }

    @Test
    void aUrlThatDoesNotParseIsNeverEchoedInAConfigurationError() {
        assertThatThrownBy(() -> new ConfigLoader(Map.of("REDIS_URL", "redis://:pa ss@cache:6379")).security())
                .hasMessageStartingWith("REDIS_URL: not a valid URL").hasMessageNotContaining("pa ss");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("DATABASE_URL", "postgresql://forge:pa ss@db:5432/forge"))
                .load(ConfigLoader.Flags.none())).hasMessageNotContaining("pa ss");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("DATABASE_URL", "mysql://forge:ab/cd@db/forge"))
                .load(ConfigLoader.Flags.none())).hasMessageContaining("forge:***@db").hasMessageNotContaining("ab/cd");
    }
}

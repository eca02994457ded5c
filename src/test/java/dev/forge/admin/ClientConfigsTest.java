package dev.forge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.protocol.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ClientConfigsTest {

    static JsonNode config(List<ServersSection.ClientConfig> configs, String key) {
        return Json.parse(configs.stream().filter(c -> c.key().equals(key)).findFirst().orElseThrow().json());
    }

    @Test
    void eachClientGetsItsOwnShapeWithThePlaceholderUntilATokenIsGiven() {
        List<ServersSection.ClientConfig> configs = ClientConfigs.of("9lives", "https://forge.example.com/servers/9lives/mcp", null);
        assertThat(configs).extracting(ServersSection.ClientConfig::key).containsExactly("claude", "cursor", "vscode");

        JsonNode claude = config(configs, "claude").path("mcpServers").path("forge-9lives");
        assertThat(claude.path("command").asString()).isEqualTo("npx");
        assertThat(claude.path("args")).extracting(JsonNode::asString).containsExactly("-y", "mcp-remote",
                "https://forge.example.com/servers/9lives/mcp", "--header", "Authorization:${AUTH_HEADER}");
        assertThat(claude.path("env").path("AUTH_HEADER").asString()).isEqualTo("Bearer <YOUR-TOKEN>");

        JsonNode cursor = config(configs, "cursor").path("mcpServers").path("forge-9lives");
        assertThat(cursor.path("url").asString()).isEqualTo("https://forge.example.com/servers/9lives/mcp");
        assertThat(cursor.path("headers").path("Authorization").asString()).isEqualTo("Bearer <YOUR-TOKEN>");

        // VS Code wants an entry name that starts with a letter, which a server's name need not
        JsonNode vsCode = config(configs, "vscode").path("servers").path("forge-9lives");
        assertThat(vsCode.path("type").asString()).isEqualTo("http");
        assertThat(vsCode.path("headers").path("Authorization").asString()).isEqualTo("Bearer <YOUR-TOKEN>");

        assertThat(config(ClientConfigs.of("x", "https://h/servers/x/mcp", "a.b.c"), "vscode").path("servers").path("forge-x")
                .path("headers").path("Authorization").asString()).isEqualTo("Bearer a.b.c");
    }

    @Test
    void mcpRemoteIsToldToAllowPlainHttpOnlyBeyondLocalhost() {
        assertThat(config(ClientConfigs.of("x", "http://10.0.0.5:4444/servers/x/mcp", null), "claude").toString())
                .contains("--allow-http");
        assertThat(config(ClientConfigs.of("x", "http://127.0.0.1:4444/servers/x/mcp", null), "claude").toString())
                .doesNotContain("--allow-http");
        assertThat(config(ClientConfigs.of("x", "http://localhost:4444/servers/x/mcp", null), "claude").toString())
                .doesNotContain("--allow-http");
        assertThat(config(ClientConfigs.of("x", "https://forge.example.com/servers/x/mcp", null), "claude").toString())
                .doesNotContain("--allow-http");
    }
}

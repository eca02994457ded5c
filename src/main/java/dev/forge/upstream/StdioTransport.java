package dev.forge.upstream;

import dev.forge.config.MaskedCommand;
import dev.forge.protocol.Json;
import dev.forge.protocol.WireMessages;
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
import tools.jackson.databind.node.LongNode;
import tools.jackson.databind.node.ObjectNode;

/** A child process speaking newline-delimited JSON-RPC; its stderr goes to our log under the upstream's name. */
final class StdioTransport implements UpstreamTransport {

    private static final Logger LOG = LoggerFactory.getLogger(StdioTransport.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);

    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Logger stderrLog;
    private final LogRing ring;
    private final int maxMessageBytes;
    private final LogSampler stdoutLog;
    private final LogSampler stderrLines;
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile Process process;
    private volatile OutputStream stdin;
    private volatile boolean closing;

    /**
     * @param env the child's whole environment
     * @param maxMessageBytes the longest line read; a longer answer fails its call
     * @param stdoutLog, stderrLines how many of the process's stray lines reach the log (shared by an upstream's processes)
     */
    StdioTransport(String name, List<String> command, Map<String, String> env, LogRing ring, int maxMessageBytes,
                   LogSampler stdoutLog, LogSampler stderrLines) {
        this.ring = ring;
        this.maxMessageBytes = maxMessageBytes;
        this.stdoutLog = stdoutLog;
        this.stderrLines = stderrLines;
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
        try (var out = process.getInputStream()) {
            new BoundedLineReader(out, maxMessageBytes).drain(new BoundedLineReader.Sink() {
                @Override
                public void line(byte[] bytes, int length) {
                    onLine(bytes, length, listener);
                }

                @Override
                public void oversized(byte[] head, byte[] tail, long length) {
                    ring.add("forge", "an answer of " + length + " bytes skipped (over " + maxMessageBytes + ")");
                    long id = AnswerId.of(head, tail);
                    listener.onFailed(id == AnswerId.NONE ? null : LongNode.valueOf(id), new UpstreamException(name, UpstreamException.Kind.PROTOCOL_ERROR,
                            "answer too large: " + length + " bytes (expected: at most " + maxMessageBytes
                                    + "; MAX_UPSTREAM_MESSAGE_BYTES)"));
                }
            });
        } catch (IOException e) {
            reason = "stdout failed: " + e.getMessage();
        } catch (RuntimeException e) {
            reason = "stdout reader failed: " + e;
            LOG.warn("upstream {} reader failed", name, e);
        }
        reportDropped(stdoutLog, "stdout");
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

    private void onLine(byte[] bytes, int length, Listener listener) {
        JsonNode node;
        try {
            node = WireMessages.read(bytes, 0, length);
        } catch (RuntimeException e) {
            String line = new String(bytes, 0, length, StandardCharsets.UTF_8);
            if (line.isBlank()) {
                return;
            }
            String shown = LogSampler.printable(line);
            ring.add("stdout", shown);
            long dropped = stdoutLog.admit();
            if (dropped > 0) {
                LOG.warn("upstream {} wrote {} more non-JSON lines to stdout (not logged)", name, dropped);
            }
            if (dropped >= 0) {
                LOG.warn("upstream {} wrote non-JSON to stdout: {}", name, shown);
            }
            return;
        }
        if (node instanceof ObjectNode object) {
            listener.onMessage(object);
        } else if (node != null && node.isArray()) {
            node.forEach(n -> {
                if (n instanceof ObjectNode o) listener.onMessage(o);
            });
        }
    }

    private void readStderr() {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                String shown = LogSampler.printable(line);
                ring.add("stderr", shown);
                long dropped = stderrLines.admit();
                if (dropped > 0) {
                    stderrLog.info("({} more lines on stderr, not logged)", dropped);
                }
                if (dropped >= 0) {
                    stderrLog.info("{}", shown);
                }
            }
        } catch (IOException ignored) {
            // the process is gone; stdout's reader reports it
        }
        reportDropped(stderrLines, "stderr");
    }

    private void reportDropped(LogSampler sampler, String stream) {
        long dropped = sampler.takeDropped();
        if (dropped > 0) {
            LOG.warn("upstream {} wrote {} more lines to {} (not logged)", name, dropped, stream);
        }
    }

    @Override
    public Sent send(ObjectNode message) {
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
            return Sent.NONE; // once written, a line cannot be taken back: a cancel is a message of its own
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

}

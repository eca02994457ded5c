package dev.forge.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * nginx balancing round-robin over replicas, run from the very configuration the production compose file mounts
 * (docker/nginx/forge-balancer.conf): only the replicas' addresses and the port it listens on are put in. Loopback
 * only; stopped on close.
 */
public final class Balancer implements AutoCloseable {

    public static final Path CONFIGURATION = Path.of("docker/nginx/forge-balancer.conf").toAbsolutePath();

    private final Process process;
    private final int port;

    private Balancer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts nginx in front of these replicas' ports and waits until it accepts connections. */
    public static Balancer start(List<Integer> replicas) throws Exception {
        String nginx = Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
        Path prefix = Files.createTempDirectory("forge-balancer");
        Files.createDirectories(prefix.resolve("logs"));
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        String servers = replicas.stream().map(p -> "        server 127.0.0.1:" + p + " max_fails=1 fail_timeout=5s;")
                .collect(Collectors.joining("\n"));
        String shipped = Files.readString(CONFIGURATION);
        int unused; // the tool router's side is not under test here: a port of its own, the same replicas
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            unused = probe.getLocalPort();
        }
        String configuration = shipped
                .replaceFirst("(?m)^\\s*server gateway:4444[^\\n]*$", servers)
                .replaceFirst("(?m)^\\s*server tool-router:8001[^\\n]*$", servers)
                .replaceFirst("(?m)^(\\s*)listen 4444;", "$1listen 127.0.0.1:" + port + ";")
                .replaceFirst("(?m)^(\\s*)listen 8001;", "$1listen 127.0.0.1:" + unused + ";")
                .replaceFirst("(?m)^error_log [^\\n]*$", "error_log " + prefix.resolve("logs/error.log") + " warn;")
                .replaceFirst("(?m)^worker_processes [^\\n]*$", "worker_processes 1;");
        if (configuration.contains("gateway:4444") || configuration.contains("tool-router:8001")
                || !configuration.contains("listen 127.0.0.1:" + port)) {
            throw new IllegalStateException(CONFIGURATION + " no longer has the upstream and listen lines this test fills in");
        }
        Path file = prefix.resolve("nginx.conf");
        Files.writeString(file, configuration);
        Process process;
        try {
            process = new ProcessBuilder(nginx, "-p", prefix.toString(), "-c", file.toString(), "-e", prefix.resolve("logs/error.log").toString(),
                    "-g", "daemon off; pid " + prefix.resolve("nginx.pid") + ";")
                    .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/out.log").toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("nginx is needed for the replica tests (Debian: apt-get install nginx-light; "
                    + ".ci/run installs it): " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx stopped at once: " + Files.readString(prefix.resolve("logs/out.log"))
                        + Files.readString(prefix.resolve("logs/error.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return new Balancer(process, port);
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("nginx did not listen on " + port + " within 10 s");
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: nginx's fast shutdown, workers included
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}

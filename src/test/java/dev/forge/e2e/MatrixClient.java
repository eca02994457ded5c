package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/** Runs the matrix's TypeScript SDK client (matrix-client.mjs) for one cell and reads what it saw. */
final class MatrixClient {

    static final Duration CELL_LIMIT = Duration.ofMinutes(2);

    private MatrixClient() {}

    /**
     * Runs the client against the cell's endpoint under {@code base} and parses what it printed; the process is gone
     * when this returns.
     */
    static JsonNode drive(Path client, String base, MatrixCell cell) throws Exception {
        String url = base + "/gateways/" + cell.entry() + cell.client().endpoint;
        String skipped = Arrays.stream(MatrixCapability.values()).filter(c -> c.notApplicable(cell).isPresent())
                .map(MatrixCapability::key).collect(Collectors.joining(","));
        Process process = new ProcessBuilder(Peers.node(), client.toString(), url, cell.client().scriptArgument, skipped).start();
        try {
            CompletableFuture<byte[]> out = readAll(process.getInputStream());
            CompletableFuture<byte[]> err = readAll(process.getErrorStream());
            assertThat(process.waitFor(CELL_LIMIT.toSeconds(), TimeUnit.SECONDS)).as("%s the client finished within %s", cell, CELL_LIMIT).isTrue();
            String printed = new String(out.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            String complaints = new String(err.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as("%s the client failed: %s", cell, complaints).isZero();
            return Json.parse(printed);
        } finally {
            process.destroyForcibly();
        }
    }

    private static CompletableFuture<byte[]> readAll(InputStream in) {
        CompletableFuture<byte[]> all = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                all.complete(in.readAllBytes());
            } catch (IOException e) {
                all.completeExceptionally(new UncheckedIOException(e));
            }
        });
        return all;
    }
}

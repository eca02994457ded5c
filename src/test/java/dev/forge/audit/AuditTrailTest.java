package dev.forge.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The audit file read back newest first: across blocks and rolled files, filtered, paged, and bounded. */
class AuditTrailTest {

    @TempDir
    Path dir;

    static String call(int second, String subject, String tool) {
        return "{\"ts\":\"2026-05-01T10:00:%02dZ\",\"event\":\"tool_call\",\"subject\":\"%s\",\"tool\":\"%s\",\"upstream\":\"u\",\"outcome\":\"ok\",\"latency_ms\":1.5}"
                .formatted(second, subject, tool);
    }

    @Test
    void linesComeBackNewestFirstWholeAcrossBlocksWithMultiByteText() throws Exception {
        Path file = dir.resolve("big.log");
        List<String> written = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            String line = "line " + i + " äöü–€ " + "x".repeat(i % 97);
            written.add(line);
            text.append(line).append('\n');
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
        List<String> read = new ArrayList<>();
        try (BackwardLines lines = new BackwardLines(file)) {
            for (String line = lines.previous(); line != null; line = lines.previous()) {
                if (!line.isEmpty()) read.add(line);
            }
        }
        assertThat(read).hasSize(written.size());
        assertThat(read).isEqualTo(written.reversed());
    }

    @Test
    void aLineTooLongToHoldIsSkippedAndItsNeighboursKept() throws Exception {
        Path file = dir.resolve("long.log");
        Files.writeString(file, "first\n" + "y".repeat(BackwardLines.MAX_LINE * 2) + "\nlast\n");
        List<String> read = new ArrayList<>();
        try (BackwardLines lines = new BackwardLines(file)) {
            for (String line = lines.previous(); line != null; line = lines.previous()) {
                if (!line.isEmpty()) read.add(line);
            }
        }
        assertThat(read).containsExactly("last", "first");
    }

    @Test
    void theCurrentFileThenTheRolledOnesAreReadFilteredAndPaged() throws Exception {
        Path file = dir.resolve("audit.log");
        Files.writeString(dir.resolve("audit.2026-04-30.0.log"), call(1, "old@example.com", "a__echo").replace("05-01", "04-30") + "\n");
        Files.writeString(dir.resolve("audit.2026-04-30.1.log"), call(2, "older-but-later@example.com", "a__echo").replace("05-01", "04-30") + "\n");
        StringBuilder now = new StringBuilder("not json at all\n");
        for (int i = 10; i < 40; i++) {
            now.append(call(i, i % 2 == 0 ? "alice@example.com" : "bob@example.com", i % 3 == 0 ? "docs__search" : "a__echo")).append('\n');
        }
        Files.writeString(file, now);
        AuditTrail trail = new AuditTrail(file);

        AuditTrail.Found all = trail.read(AuditTrail.Query.ALL, 0, 100);
        assertThat(all.events()).hasSize(32);
        assertThat(all.events().getFirst().path("ts").asString()).isEqualTo("2026-05-01T10:00:39Z");
        assertThat(all.events().get(30).path("subject").asString()).isEqualTo("older-but-later@example.com");
        assertThat(all.events().getLast().path("subject").asString()).isEqualTo("old@example.com");
        assertThat(all.unreadable()).isEqualTo(1);
        assertThat(all.more()).isFalse();

        AuditTrail.Found alice = trail.read(new AuditTrail.Query("ALICE", "tool_call", "search", null, null), 0, 100);
        assertThat(alice.events()).extracting(e -> e.path("ts").asString())
                .containsExactly("2026-05-01T10:00:36Z", "2026-05-01T10:00:30Z", "2026-05-01T10:00:24Z", "2026-05-01T10:00:18Z",
                        "2026-05-01T10:00:12Z");

        AuditTrail.Found second = trail.read(AuditTrail.Query.ALL, 10, 10);
        assertThat(second.events().getFirst().path("ts").asString()).isEqualTo("2026-05-01T10:00:29Z");
        assertThat(second.more()).isTrue();

        AuditTrail.Found window = trail.read(new AuditTrail.Query(null, null, null, Instant.parse("2026-05-01T10:00:20Z"),
                Instant.parse("2026-05-01T10:00:22Z")), 0, 100);
        assertThat(window.events()).extracting(e -> e.path("ts").asString())
                .containsExactly("2026-05-01T10:00:22Z", "2026-05-01T10:00:21Z", "2026-05-01T10:00:20Z");
        assertThat(window.scanned()).as("the search ends at the first line older than asked").isLessThan(all.scanned());
    }

    @Test
    void theSearchStopsAtItsCapAndSaysSo() throws Exception {
        Path file = dir.resolve("audit.log");
        StringBuilder text = new StringBuilder(call(0, "needle@example.com", "a__echo")).append('\n');
        String hay = call(1, "hay@example.com", "a__echo") + "\n";
        text.append(hay.repeat(AuditTrail.MAX_SCANNED));
        Files.writeString(file, text);
        AuditTrail.Found found = new AuditTrail(file).read(new AuditTrail.Query("needle", null, null, null, null), 0, 10);
        assertThat(found.events()).isEmpty();
        assertThat(found.capped()).isTrue();
        assertThat(found.scanned()).isEqualTo(AuditTrail.MAX_SCANNED);
    }

    @Test
    void whoAndWhatNameTheActorAndTheObjectOfEachKind() {
        JsonNode issued = dev.forge.protocol.Json.parse("{\"event\":\"token_issued\",\"subject\":\"ci\",\"name\":\"deploy\",\"by\":\"admin\"}");
        assertThat(AuditTrail.who(issued)).isEqualTo("admin");
        assertThat(AuditTrail.what(issued)).isEqualTo("token deploy");
        JsonNode change = dev.forge.protocol.Json.parse("{\"event\":\"registry_change\",\"subject\":\"ops\",\"method\":\"POST\",\"path\":\"/services/x/sleep\"}");
        assertThat(AuditTrail.who(change)).isEqualTo("ops");
        assertThat(AuditTrail.what(change)).isEqualTo("POST /services/x/sleep");
    }
}

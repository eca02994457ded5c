package dev.forge.audit;

import dev.forge.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * The audit file read back for the console, newest event first: the current file from its end, then the files it
 * rolled to, newest first. Bounded: at most {@link #MAX_SCANNED} lines ({@link #MAX_BYTES} bytes) are looked at per question, and the answer
 * says when that cap stopped the search short.
 */
public final class AuditTrail {

    public static final int MAX_SCANNED = 50_000;
    /** Bytes looked at per question, at most: long lines (a refused request's path) cannot make a search heavy. */
    public static final long MAX_BYTES = 32L * 1024 * 1024;
    /** Lines are written in order, give or take the moment between an event and its line: older than this is done. */
    private static final Duration ORDER_SLACK = Duration.ofMinutes(1);

    /**
     * What to look for; any part may be null (everything). {@code who} and {@code what} match a part of
     * {@link #who} and {@link #what}, in any case; {@code event} is a kind exactly; {@code from} and {@code to} bound
     * the time, both included.
     */
    public record Query(String who, String event, String what, Instant from, Instant to) {

        public static final Query ALL = new Query(null, null, null, null, null);

        boolean matches(JsonNode e, Instant at) {
            return (event == null || event.equals(e.path("event").asString("")))
                    && (who == null || contains(AuditTrail.who(e), who))
                    && (what == null || contains(AuditTrail.what(e), what))
                    && (from == null || at != null && !at.isBefore(from))
                    && (to == null || at != null && !at.isAfter(to));
        }

        private static boolean contains(String text, String part) {
            return text.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * A page of events, newest first.
     *
     * @param more       true if at least one more event matches beyond this page
     * @param scanned    lines looked at to answer
     * @param capped     true if the search stopped at {@link #MAX_SCANNED} lines: older events were not looked at
     * @param unreadable lines that were not audit events (not JSON), skipped
     */
    public record Found(List<JsonNode> events, boolean more, int scanned, boolean capped, int unreadable) {}

    private final Path file;

    /** @param file the audit file ({@code AUDIT_LOG_PATH}) */
    public AuditTrail(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** True once the file exists (nothing has been audited before the first event). */
    public boolean exists() {
        return Files.isRegularFile(file);
    }

    /** The events matching the query, newest first, after skipping {@code skip} of them; {@code take} at most. */
    public Found read(Query query, int skip, int take) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        int scanned = 0;
        long bytes = 0;
        int matched = 0;
        int unreadable = 0;
        Instant oldestWanted = query.from() == null ? null : query.from().minus(ORDER_SLACK);
        for (Path part : newestFirst()) {
            try (BackwardLines lines = new BackwardLines(part)) {
                for (String line = lines.previous(); line != null; line = lines.previous()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    if (scanned == MAX_SCANNED || bytes > MAX_BYTES) {
                        return new Found(events, false, scanned, true, unreadable);
                    }
                    scanned++;
                    bytes += line.length();
                    JsonNode event;
                    try {
                        event = Json.parse(line);
                    } catch (RuntimeException e) {
                        unreadable++;
                        continue;
                    }
                    if (!event.isObject()) {
                        unreadable++;
                        continue;
                    }
                    Instant at = at(event);
                    if (oldestWanted != null && at != null && at.isBefore(oldestWanted)) {
                        return new Found(events, false, scanned, false, unreadable);
                    }
                    if (!query.matches(event, at)) {
                        continue;
                    }
                    if (matched++ < skip) {
                        continue;
                    }
                    if (events.size() == take) {
                        return new Found(events, true, scanned, false, unreadable);
                    }
                    events.add(event);
                }
            } catch (java.nio.file.NoSuchFileException gone) {
                // rolled away or removed by retention between listing and reading: nothing more there
            }
        }
        return new Found(events, false, scanned, false, unreadable);
    }

    /** When the event happened; null when its line says no time. */
    public static Instant at(JsonNode event) {
        try {
            return event.hasNonNull("ts") ? Instant.parse(event.get("ts").asString()) : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Who did it: who issued or revoked a token, the subject of a call or change, what a limit was charged to, the address of a failed sign-in. */
    public static String who(JsonNode e) {
        for (String field : new String[] {"by", "subject", "charged_to", "address"}) {
            if (e.hasNonNull(field)) {
                return e.get(field).asString("");
            }
        }
        return "";
    }

    /** What it was done to: the tool called, the request refused or made, the token issued or revoked. */
    public static String what(JsonNode e) {
        return switch (e.path("event").asString("")) {
            case "tool_call" -> e.path("tool").asString("");
            case "token_issued" -> "token " + e.path("name").asString("");
            case "token_revoked" -> "token " + e.path("token_id").asString("");
            default -> (e.path("method").asString("") + " " + e.path("path").asString("")).trim();
        };
    }

    /** The file now written, then the ones it rolled to ({@code NAME.YYYY-MM-DD.N.log}), newest first. */
    private List<Path> newestFirst() throws IOException {
        List<Path> parts = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            parts.add(file);
        }
        Path dir = file.toAbsolutePath().getParent();
        String name = file.getFileName().toString();
        String base = name.endsWith(".log") ? name.substring(0, name.length() - 4) : name;
        Pattern rolled = Pattern.compile(Pattern.quote(base) + "\\.(\\d{4}-\\d{2}-\\d{2})\\.(\\d{1,9})\\.log");
        if (dir == null || !Files.isDirectory(dir)) {
            return parts;
        }
        record Rolled(Path path, String day, long index) {}
        List<Rolled> older = new ArrayList<>();
        try (Stream<Path> listing = Files.list(dir)) {
            listing.forEach(p -> {
                Matcher m = rolled.matcher(p.getFileName().toString());
                if (m.matches()) {
                    older.add(new Rolled(p, m.group(1), Long.parseLong(m.group(2))));
                }
            });
        }
        older.sort(Comparator.comparing(Rolled::day).thenComparingLong(Rolled::index).reversed());
        older.forEach(r -> parts.add(r.path()));
        return parts;
    }
}

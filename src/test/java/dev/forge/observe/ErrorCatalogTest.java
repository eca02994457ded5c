package dev.forge.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.protocol.JsonRpcError;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Holds the error catalogue to the code and the doc to the catalogue: docs/TROUBLESHOOTING.md is exactly what the
 * generator writes, every message the catalogue quotes is still in the sources, and every error code Forge answers
 * with has an entry.
 */
class ErrorCatalogTest {

    private static final Path SOURCES = Path.of("src", "main", "java");
    /** {@code "a" + "b"} across lines: messages are split where they are long, not where they vary. */
    private static final Pattern JOINED_LITERALS = Pattern.compile("\"\\s*\\+\\s*\"");
    /** Where an HTTP error's code is chosen: the admin API's and the edge's reply, and any body built as {"error": code}. */
    private static final Pattern CALL = Pattern.compile(
            "AdminApi\\.error\\(|EdgeErrors\\.reply\\(|\\.put\\(\"error\",|(?<![.\\w])(?:error|reply)\\(ctx,|(?<![.\\w])write\\(ctx, surface,"
                    // the service manager's answers, made apart from a request (the console asks them too)
                    + "|(?<![.\\w])error\\(\\d{3}");
    /** A code is an argument, a switch arm or a branch of a ternary; not an argument of a nested call ({@code pathParam("name")}). */
    private static final Pattern CODE_LITERAL = Pattern.compile("(?<=[,>?:]\\s{0,40})\"([a-z][a-z_]*)\"");

    private static Map<Path, String> sources;
    private static String allSources;

    @BeforeAll
    static void readSources() throws IOException {
        sources = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (!file.startsWith(SOURCES.resolve("dev/forge/observe")) || !isCatalogue(file)) {
                    sources.put(file, Files.readString(file, StandardCharsets.UTF_8));
                }
            }
        }
        allSources = sources.values().stream()
                .map(text -> JOINED_LITERALS.matcher(text).replaceAll("").replace("\\\"", "\"").replace("\\\\", "\\"))
                .collect(Collectors.joining("\n"));
    }

    /** The catalogue's own files quote every message: they must not count as the place a message is emitted. */
    private static boolean isCatalogue(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith("Errors.java") || name.equals("HttpErrorEntries.java") || name.equals("ErrorCatalog.java")
                || name.equals("TroubleshootingDoc.java");
    }

    @Test
    void theTroubleshootingDocIsWhatTheCatalogueGenerates() throws IOException {
        String written = Files.readString(TroubleshootingDoc.FILE, StandardCharsets.UTF_8);
        assertThat(written)
                .as("docs/TROUBLESHOOTING.md is generated from the error catalogue: run `make docs` and commit the result")
                .isEqualTo(TroubleshootingDoc.render());
    }

    @Test
    void everyQuotedPieceOfAMessageIsStillInTheSources() {
        List<String> gone = new ArrayList<>();
        for (ErrorCatalog.Entry entry : ErrorCatalog.entries()) {
            for (String piece : entry.pieces()) {
                if (!allSources.contains(piece)) {
                    gone.add(entry.id() + ": \"" + piece + "\"");
                }
            }
        }
        assertThat(gone).as("catalogue messages no longer emitted by src/main/java (fix the entry, or remove it)").isEmpty();
    }

    @Test
    void everyAdminApiErrorCodeHasAnEntry() {
        Set<String> emitted = new TreeSet<>();
        sources.forEach((file, text) -> {
            Matcher call = CALL.matcher(text);
            while (call.find()) {
                boolean local = call.group().startsWith("error(ctx") || call.group().startsWith("reply(ctx")
                        || call.group().startsWith("write(ctx");
                String name = file.getFileName().toString();
                if (local && !List.of("AdminApi.java", "EdgeErrors.java", "Challenges.java").contains(name)) {
                    continue; // another class's own error(...) helper, which ends in AdminApi.error and is read there
                }
                Matcher code = CODE_LITERAL.matcher(arguments(text, call.end()));
                while (code.find()) {
                    emitted.add(code.group(1));
                }
            }
        });
        Set<String> catalogued = ErrorCatalog.entries().stream().map(ErrorCatalog.Entry::apiCode).collect(Collectors.toSet());
        assertThat(emitted).contains("bad_request", "invalid", "not_found", "conflict", "needs_configuration");
        assertThat(emitted).contains("unauthorized", "forbidden", "rate_limited", "headers_too_large", "https_required");
        assertThat(new TreeSet<>(emitted)).as("HTTP error codes (AdminApi.error, EdgeErrors.reply, {\"error\": …} bodies) without a catalogue entry")
                .isSubsetOf(catalogued);
    }

    @Test
    void everyJsonRpcErrorCodeForgeEmitsHasAnEntry() throws IllegalAccessException {
        Set<Integer> codes = new HashSet<>();
        for (Field field : JsonRpcError.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class) {
                codes.add(field.getInt(null));
            }
        }
        Set<Integer> catalogued = ErrorCatalog.entries().stream().map(ErrorCatalog.Entry::rpcCode).collect(Collectors.toSet());
        assertThat(codes).hasSizeGreaterThanOrEqualTo(11);
        assertThat(codes).as("JsonRpcError codes without a catalogue entry").isSubsetOf(catalogued);
    }

    @Test
    void idsAreUniqueAndEveryEntrySaysWhatToDo() {
        List<String> ids = ErrorCatalog.entries().stream().map(ErrorCatalog.Entry::id).toList();
        assertThat(ids).doesNotHaveDuplicates().allMatch(id -> id.matches("[a-z0-9-]+"));
        assertThat(ErrorCatalog.entries()).allSatisfy(e -> {
            assertThat(e.cause()).as(e.id()).isNotBlank();
            assertThat(e.fix()).as(e.id()).isNotBlank();
        });
    }

    /** The text of a call's arguments: up to the parenthesis that closes it, skipping those inside string literals. */
    private static String arguments(String text, int from) {
        int depth = 1;
        boolean quoted = false;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return text.substring(from, i);
            }
        }
        return text.substring(from);
    }
}

package dev.forge.observe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every error an operator can meet, with where it shows, why it happens and what to do: the source of
 * {@code docs/TROUBLESHOOTING.md} ({@link TroubleshootingDoc}). A test holds it to the code: each literal piece of a
 * message occurs verbatim in the sources, and every admin API error code and JSON-RPC error code has an entry, so
 * neither the doc nor the catalogue can outlive what Forge really says.
 *
 * <p>Message notation: {@code ‹…›} is a part that varies (the text inside is an example or a description);
 * {@code ¦} marks a seam where the code joins two pieces (the doc drops it; the test checks each piece on its own).
 */
public final class ErrorCatalog {

    /** Where the operator sees the error, in the order the doc lists them. */
    public enum Section {
        START_UP("Start-up: `forge serve` refuses to start",
                "One line on standard error, `forge: invalid configuration: ‹message›` (exit status 2) or "
                        + "`forge: cannot start: ‹message›` (exit status 1); the exit-2 messages below are quoted without their prefix. In process mode it is in `logs/forge.out`, and "
                        + "`scripts/deploy-production.sh deploy` prints it (`Forge exited while starting; what it said:`)."),
        SERVICES("The service manager: states and reasons",
                "`GET :9000/services` and `GET :9000/services/{name}` show `state`, `reason` (why it sleeps), `last_exit` "
                        + "(why it stopped) and `crash_loop`; the same lines are in the service's log, `GET :9000/services/{name}/logs`."),
        UPSTREAMS("Upstreams: connections, TLS, DNS, SSRF",
                "`GET /health` with an admin token shows each upstream's `status`, `error`, `crash_loop` and `last_failure`; "
                        + "the log has the detail under the reference a client was given."),
        DATABASE("The registry database", "At start (`forge: cannot start: …`, exit 1) or in the log."),
        HTTP("HTTP answers: the admin API and the edge",
                "`{\"error\": code, \"message\": …}` on the admin API, the service manager and the tool router; on MCP paths the "
                        + "same status with a JSON-RPC error (`-32600` unless stated)."),
        JSON_RPC("JSON-RPC errors in MCP answers",
                "In the `error` of an MCP answer (HTTP 200 unless stated); `error.data` names the upstream, the failure kind "
                        + "and a reference to search the log for."),
        LOG("The log", "Warnings and errors Forge writes while it runs (`logs/forge.log` in process mode, standard error "
                + "otherwise; one JSON object per line in production)."),
        CLI("Commands: `forge token|backup|restore|import|export|secrets`",
                "One line on standard error and a non-zero exit status; 0 means it worked.");

        private final String title;
        private final String where;

        Section(String title, String where) {
            this.title = title;
            this.where = where;
        }

        public String title() {
            return title;
        }

        public String where() {
            return where;
        }
    }

    /**
     * One error.
     *
     * @param id      stable anchor in the doc
     * @param section where it shows
     * @param shown   how it shows: exit status, HTTP status, state
     * @param apiCode the {@code error} code of an HTTP answer, or "" when none
     * @param rpcCode the JSON-RPC error code, or 0 when none
     * @param message what Forge says, in the notation of the class comment
     * @param cause   why it happens
     * @param fix     what to do, with the command to run
     */
    public record Entry(String id, Section section, String shown, String apiCode, int rpcCode, String message,
                        String cause, String fix) {

        /** The message as the operator reads it: seams dropped, varying parts kept in ‹…›. */
        public String readable() {
            return message.replace("¦", "");
        }

        /** The literal pieces of the message, each of which must occur verbatim in the sources. */
        public List<String> pieces() {
            List<String> pieces = new ArrayList<>();
            for (String piece : message.split("‹[^›]*›|¦")) {
                if (piece.strip().length() >= 4) {
                    pieces.add(piece);
                }
            }
            return pieces;
        }
    }

    private ErrorCatalog() {}

    /** Every entry, section by section. */
    public static List<Entry> entries() {
        List<Entry> all = new ArrayList<>();
        all.addAll(StartupErrors.ENTRIES);
        all.addAll(ServiceErrors.ENTRIES);
        all.addAll(UpstreamErrors.ENTRIES);
        all.addAll(DatabaseErrors.ENTRIES);
        all.addAll(HttpErrorEntries.ENTRIES);
        all.addAll(RpcErrors.ENTRIES);
        all.addAll(LogErrors.ENTRIES);
        all.addAll(CliErrors.ENTRIES);
        return Collections.unmodifiableList(all);
    }

    static Entry entry(String id, Section section, String shown, String message, String cause, String fix) {
        return new Entry(id, section, shown, "", 0, message, cause, fix);
    }

    static Entry http(String id, int status, String apiCode, String message, String cause, String fix) {
        return new Entry(id, Section.HTTP, "HTTP " + status + " `" + apiCode + "`", apiCode, 0, message, cause, fix);
    }

    /** An HTTP refusal only MCP endpoints give: always a JSON-RPC {@code -32600} body, no {@code error} code. */
    static Entry mcp(String id, int status, String message, String cause, String fix) {
        return new Entry(id, Section.HTTP, "HTTP " + status + ", JSON-RPC `-32600` (MCP endpoints)", "", -32600, message, cause, fix);
    }

    static Entry rpc(String id, int code, String shown, String message, String cause, String fix) {
        return new Entry(id, Section.JSON_RPC, "`" + code + "`" + (shown.isEmpty() ? "" : ", " + shown), "", code, message,
                cause, fix);
    }
}

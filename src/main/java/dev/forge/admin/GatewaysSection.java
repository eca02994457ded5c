package dev.forge.admin;

import dev.forge.catalog.Federation;
import dev.forge.catalog.Trial;
import dev.forge.config.UpstreamConfig;
import dev.forge.protocol.Json;
import dev.forge.protocol.ProtocolVersions;
import dev.forge.registry.GatewayRegistry;
import dev.forge.registry.RegistryException;
import dev.forge.registry.RegistryTransfer;
import dev.forge.store.GatewayRecord;
import dev.forge.upstream.Upstream;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The upstream MCP servers registered with the gateway: their state and last error in words; add one, after a
 * "test connection" that shows the handshake and the tools found; edit, enable or disable, delete. Every change goes
 * through the registry, as {@code /gateways} does (the same checks, the same messages, the SSRF guard).
 * Secrets typed into a form (header and environment values) are never rendered back: an edit form shows {@code ***}
 * for each stored one, which keeps it, as the API's masked update does.
 */
public final class GatewaysSection {

    /** One registered gateway as the list shows it. */
    public record GatewayRow(String name, String transport, String status, String era, int tools, String problem,
                             boolean enabled) {}

    /** The add/edit form's values ({@code headers} and {@code env}: one {@code name: value} a line, values masked). */
    public record GatewayForm(String name, String transport, String url, String command, String headers, String env,
                              String sessionMode, String timeout, String description) {

        private static final String MASK = "***";

        static final GatewayForm EMPTY = new GatewayForm("", "streamable-http", "", "", "", "", "per-client", "30s", "");

        /** The same values without the secrets typed into them: what a page may show again. */
        GatewayForm withoutSecrets() {
            return new GatewayForm(name, transport, url, command, namesOnly(headers), namesOnly(env), sessionMode, timeout, description);
        }

        /** Each line's name; a value kept as {@code ***} (a stored one) stays so, any other is for the user to type again. */
        private static String namesOnly(String lines) {
            StringBuilder out = new StringBuilder();
            for (String line : lines.split("\n")) {
                int split = separator(line);
                if (split > 0) {
                    boolean kept = line.substring(split + 1).trim().equals(MASK);
                    out.append(line, 0, split + 1).append(kept ? " " + MASK : " ").append('\n');
                }
            }
            return out.toString().strip();
        }
    }

    private final Console console;
    private final GatewayRegistry registry;
    private final Federation federation;
    private final Duration trialTime;
    private final RegistryChanges changes;
    /** Test connections at once: each may start a process; more wait for a moment, not in a queue. */
    private static final int MAX_TRIALS = 4;
    private final java.util.concurrent.Semaphore trials = new java.util.concurrent.Semaphore(MAX_TRIALS);

    GatewaysSection(Console console, GatewayRegistry registry, Federation federation, Duration trialTime, RegistryChanges changes) {
        this.changes = changes;
        this.console = console;
        this.registry = registry;
        this.federation = federation;
        this.trialTime = trialTime;
    }

    void routes(RoutesConfig routes) {
        routes.get("/admin/gateways", ctx -> list(ctx, console.page(ctx, "Gateways", "gateways"), 200));
        routes.get("/admin/gateways/new", ctx -> form(ctx, 200, console.page(ctx, "Add a gateway", "gateways"), null,
                GatewayForm.EMPTY, null));
        routes.post("/admin/gateways", console.changing(ctx -> save(ctx, null)));
        routes.post("/admin/gateways/test", console.changing(this::test));
        routes.get("/admin/gateways/{name}", ctx -> edit(ctx));
        routes.post("/admin/gateways/{name}", console.changing(ctx -> save(ctx, ctx.pathParam("name"))));
        routes.post("/admin/gateways/{name}/enabled", console.changing(this::setEnabled));
        routes.post("/admin/gateways/{name}/delete", console.changing(this::delete));
    }

    private void list(Context ctx, Page page, int status) {
        console.render(ctx, status, "gateways.jte", Map.of("page", page, "gateways", registry.list().stream().map(this::row).toList()));
    }

    private GatewayRow row(GatewayRecord record) {
        String problem = registry.problem(record);
        Upstream upstream = record.enabled() && problem == null ? registry.upstream(record) : null;
        String status = problem != null ? "invalid" : upstream == null ? "disabled" : upstream.state().label();
        String era = upstream == null || upstream.protocolVersion() == null ? ""
                : ProtocolVersions.isModern(upstream.protocolVersion()) ? "modern" : "legacy";
        String why = problem != null ? problem : upstream != null && upstream.lastError() != null ? upstream.lastError() : "";
        return new GatewayRow(record.name(), record.transport(), status, era, upstream == null ? 0 : upstream.lists().tools().size(),
                why, record.enabled());
    }

    private void edit(Context ctx) {
        GatewayRecord record;
        try {
            record = registry.get(ctx.pathParam("name"));
        } catch (RegistryException e) {
            list(ctx, console.page(ctx, "Gateways", "gateways").withError(e.getMessage()), e.status());
            return;
        }
        form(ctx, 200, console.page(ctx, "Edit " + record.name(), "gateways"), record.name(), formOf(record), null);
    }

    /** Saves a new gateway ({@code editing} null) or the one being edited; back to the form, with why, when refused. */
    private void save(Context ctx, String editing) {
        GatewayForm form = formOf(ctx);
        Page page = console.page(ctx, editing == null ? "Add a gateway" : "Edit " + editing, "gateways");
        String method = editing == null ? "POST" : "PUT";
        String path = editing == null ? "/gateways" : "/gateways/" + editing;
        try {
            GatewayRecord saved = editing == null ? registry.register(body(form, null)) : registry.update(editing,
                    body(form, stored(editing)));
            changes.record(ctx, method, path, editing == null ? 201 : 200);
            GatewayRow row = row(saved);
            Console.redirect(ctx, "/admin/gateways", (editing == null ? "Added" : "Saved") + " the gateway '" + saved.name()
                    + "': " + row.status() + (row.tools() > 0 ? ", " + row.tools() + " tools" : "")
                    + (row.problem().isEmpty() ? "." : " (" + row.problem() + ")."));
        } catch (RegistryException e) {
            changes.record(ctx, method, path, e.status());
            form(ctx, e.status(), page.withError(e.getMessage()), editing, form.withoutSecrets(), null);
        }
    }

    /**
     * "Test connection": the form's gateway, checked as saving would check it, connected to once and stopped. For
     * the page's script, the result alone; without script, the form again with the result under it.
     */
    private void test(Context ctx) {
        GatewayForm form = formOf(ctx);
        String editing = blankToNull(ctx.formParam("editing"));
        Trial trial;
        String refused = null;
        try {
            UpstreamConfig config = registry.checked(body(form, editing == null ? null : stored(editing)), editing);
            trial = trials.tryAcquire() ? tryOnce(config) : null;
            if (trial == null) {
                refused = "another " + MAX_TRIALS + " connections are being tried; try again in a moment";
            }
        } catch (RegistryException e) {
            trial = null;
            refused = e.getMessage();
        }
        changes.tried(ctx, form.name(), form.transport(), trial == null ? "refused" : trial.state());
        Map<String, Object> params = new HashMap<>();
        params.put("trial", trial);
        params.put("refused", refused);
        if (ctx.header(Csrf.HEADER) != null) { // the page's script asked: the result goes under the form as it is
            console.render(ctx, 200, "gateway-trial.jte", params);
            return;
        }
        Page page = console.page(ctx, editing == null ? "Add a gateway" : "Edit " + editing, "gateways");
        form(ctx, 200, page, editing, form.withoutSecrets(), params);
    }

    private Trial tryOnce(UpstreamConfig config) {
        try {
            return federation.trial(config, trialTime);
        } finally {
            trials.release();
        }
    }

    private void setEnabled(Context ctx) {
        boolean enabled = Boolean.parseBoolean(ctx.formParam("enabled"));
        String path = "/gateways/" + ctx.pathParam("name") + "/state";
        try {
            GatewayRecord record = registry.setEnabled(ctx.pathParam("name"), enabled);
            changes.record(ctx, "POST", path, 200);
            Console.redirect(ctx, "/admin/gateways", (enabled ? "Enabled" : "Disabled") + " the gateway '" + record.name() + "'.");
        } catch (RegistryException e) {
            changes.record(ctx, "POST", path, e.status());
            list(ctx, console.page(ctx, "Gateways", "gateways").withError(e.getMessage()), e.status());
        }
    }

    private void delete(Context ctx) {
        String path = "/gateways/" + ctx.pathParam("name");
        try {
            GatewayRecord gone = registry.delete(ctx.pathParam("name"));
            changes.record(ctx, "DELETE", path, 200);
            Console.redirect(ctx, "/admin/gateways", "Deleted the gateway '" + gone.name() + "'.");
        } catch (RegistryException e) {
            changes.record(ctx, "DELETE", path, e.status());
            list(ctx, console.page(ctx, "Gateways", "gateways").withError(e.getMessage()), e.status());
        }
    }

    private void form(Context ctx, int status, Page page, String editing, GatewayForm form, Map<String, Object> trial) {
        Map<String, Object> params = new HashMap<>();
        params.put("page", page);
        params.put("editing", editing);
        params.put("form", form);
        params.put("trial", trial == null ? null : trial.get("trial"));
        params.put("refused", trial == null ? null : trial.get("refused"));
        console.render(ctx, status, "gateway-form.jte", params);
    }

    private ObjectNode stored(String name) {
        return RegistryTransfer.masked(registry.get(name).spec());
    }

    /**
     * The registry's body for the form: over the stored (masked) entry when editing, so what the form does not show
     * (concurrency, health checks, tool timeouts) stays as it was and each {@code ***} keeps its stored value.
     */
    static ObjectNode body(GatewayForm form, ObjectNode stored) {
        ObjectNode body = stored == null ? Json.object() : stored.deepCopy();
        body.put("name", form.name().trim());
        body.put("transport", form.transport());
        body.remove(List.of("url", "command", "headers", "env"));
        if ("stdio".equals(form.transport())) {
            body.put("command", form.command().trim());
            ObjectNode env = pairs(form.env(), "env");
            if (!env.isEmpty()) {
                body.set("env", env);
            }
        } else {
            body.put("url", form.url().trim());
            ObjectNode headers = pairs(form.headers(), "headers");
            if (!headers.isEmpty()) {
                body.set("headers", headers);
            }
        }
        body.put("session_mode", form.sessionMode());
        if (!form.timeout().isBlank()) {
            body.put("timeout", form.timeout().trim());
        }
        if (form.description().isBlank()) {
            body.remove("description");
        } else {
            body.put("description", form.description().trim());
        }
        return body;
    }

    /** {@code name: value} (or {@code NAME=value}) lines as an object; a line without a separator is refused by name. */
    private static ObjectNode pairs(String lines, String field) {
        ObjectNode pairs = Json.object();
        for (String line : lines.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int split = separator(line);
            if (split <= 0) {
                throw new RegistryException(422, field + ": the line '" + line.strip().replaceAll("(?<=.{12}).+", "…")
                        + "' has no ':' or '=' between a name and a value");
            }
            String name = line.substring(0, split).trim();
            String value = line.substring(split + 1).trim();
            if (value.isEmpty()) { // a value not shown again after a refused form: stored empty, it would fail later, unseen
                throw new RegistryException(422, field + ": '" + name + "' has no value (values typed into a refused form"
                        + " are not shown again: type it once more, or *** to keep a stored one)");
            }
            pairs.put(name, value);
        }
        return pairs;
    }

    private static int separator(String line) {
        int colon = line.indexOf(':');
        int equals = line.indexOf('=');
        return colon < 0 ? equals : equals < 0 ? colon : Math.min(colon, equals);
    }

    private static GatewayForm formOf(Context ctx) {
        return new GatewayForm(text(ctx, "name"), text(ctx, "transport").isEmpty() ? "streamable-http" : text(ctx, "transport"),
                text(ctx, "url"), text(ctx, "command"), text(ctx, "headers"), text(ctx, "env"),
                text(ctx, "session_mode").isEmpty() ? "per-client" : text(ctx, "session_mode"), text(ctx, "timeout"),
                text(ctx, "description"));
    }

    /** The stored entry as the form shows it: every header and environment value as {@code ***}. */
    private static GatewayForm formOf(GatewayRecord record) {
        ObjectNode spec = RegistryTransfer.masked(record.spec());
        List<String> command = new ArrayList<>();
        spec.path("command").forEach(part -> command.add(quoted(part.asString())));
        return new GatewayForm(record.name(), record.transport(), spec.path("url").asString(""), String.join(" ", command),
                lines(spec.path("headers"), ": "), lines(spec.path("env"), "="), spec.path("session_mode").asString("per-client"),
                spec.path("timeout").asString(""), spec.path("description").asString(""));
    }

    private static String lines(JsonNode pairs, String separator) {
        StringBuilder out = new StringBuilder();
        pairs.properties().forEach(p -> out.append(p.getKey()).append(separator).append(p.getValue().asString("")).append('\n'));
        return out.toString().strip();
    }

    private static String quoted(String part) {
        return part.isEmpty() || part.chars().anyMatch(c -> Character.isWhitespace(c) || c == '\'' || c == '"')
                ? "'" + part.replace("'", "'\\''") + "'" : part;
    }

    private static String text(Context ctx, String field) {
        String value = ctx.formParam(field);
        return value == null ? "" : value.replace("\r\n", "\n");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}

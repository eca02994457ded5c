package dev.forge.admin;

import dev.forge.audit.AuditLog;
import dev.forge.audit.AuditTrail;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The audit trail, newest first: who did what when, filtered by subject, kind, tool or path and time, a page at a
 * time. Read from the end of the audit file (and the files it rolled to) with a cap on the lines looked at, so a
 * large trail costs a page what that page needs.
 */
public final class AuditSection {

    static final int PAGE_SIZE = 50;
    static final List<String> KINDS = List.of("tool_call", "registry_change", "access_denied", "auth_failure", "rate_limited",
            "token_issued", "token_revoked");
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /**
     * One event as the list shows it.
     *
     * @param tone {@code ok}, {@code bad} or empty: how the outcome reads at a glance
     */
    public record AuditRow(String at, String event, String who, String what, String detail, String tone) {}

    /** The filters as typed, to show them back. */
    public record Filters(String who, String event, String what, String from, String to) {
        public boolean any() {
            return !who.isEmpty() || !event.isEmpty() || !what.isEmpty() || !from.isEmpty() || !to.isEmpty();
        }
    }

    /**
     * Where the list stands.
     *
     * @param file      the audit file, or null when audit lines go to the main log
     * @param first     the position of the page's first event (1-based); 0 when the page is empty
     * @param newer     the address of the newer page, or null
     * @param older     the address of the older page, or null
     * @param scanned   lines looked at
     * @param capped    true if the search stopped at the cap
     * @param cap       that cap
     */
    public record Trail(String file, boolean exists, int first, int last, String newer, String older, int scanned, boolean capped,
                        int cap, int unreadable) {}

    private final Console console;
    private final AuditTrail trail;

    AuditSection(Console console, AuditLog audit) {
        this.console = console;
        this.trail = audit.file() == null ? null : new AuditTrail(audit.file());
    }

    void routes(RoutesConfig routes) {
        routes.get("/admin/audit", this::show);
    }

    private void show(Context ctx) {
        Page page = console.page(ctx, "Audit", "audit");
        Filters filters = new Filters(param(ctx, "who"), param(ctx, "event"), param(ctx, "what"), param(ctx, "from"), param(ctx, "to"));
        List<String> wrong = new ArrayList<>();
        Instant from = moment("from", filters.from(), false, wrong);
        Instant to = moment("to", filters.to(), true, wrong);
        if (!filters.event().isEmpty() && !KINDS.contains(filters.event())) {
            wrong.add("what happened: '" + filters.event() + "' is no kind of event here");
        }
        int pageNumber = pageNumber(ctx.queryParam("page"));
        Map<String, Object> params = new HashMap<>();
        params.put("filters", filters);
        params.put("kinds", KINDS);
        List<AuditRow> rows = new ArrayList<>();
        Trail state;
        int status = 200;
        if (trail == null) {
            state = new Trail(null, false, 0, 0, null, null, 0, false, AuditTrail.MAX_SCANNED, 0);
        } else if (!wrong.isEmpty()) {
            page = page.withError("Not searched: " + String.join("; ", wrong) + ".");
            status = 422;
            state = new Trail(trail.file().toString(), trail.exists(), 0, 0, null, null, 0, false, AuditTrail.MAX_SCANNED, 0);
        } else {
            AuditTrail.Query query = new AuditTrail.Query(blankToNull(filters.who()), blankToNull(filters.event()),
                    blankToNull(filters.what()), from, to);
            AuditTrail.Found found;
            try {
                found = trail.read(query, (pageNumber - 1) * PAGE_SIZE, PAGE_SIZE);
            } catch (IOException e) {
                page = page.withError("The audit file could not be read: " + e.getMessage());
                found = new AuditTrail.Found(List.of(), false, 0, false, 0);
                status = 500;
            }
            found.events().forEach(e -> rows.add(row(e)));
            int first = rows.isEmpty() ? 0 : (pageNumber - 1) * PAGE_SIZE + 1;
            state = new Trail(trail.file().toString(), trail.exists(), first, rows.isEmpty() ? 0 : first + rows.size() - 1,
                    pageNumber > 1 ? address(filters, pageNumber - 1) : null, found.more() ? address(filters, pageNumber + 1) : null,
                    found.scanned(), found.capped(), AuditTrail.MAX_SCANNED, found.unreadable());
        }
        params.put("page", page);
        params.put("events", rows);
        params.put("trail", state);
        console.render(ctx, status, "audit.jte", params);
    }

    static AuditRow row(JsonNode e) {
        Instant at = AuditTrail.at(e);
        String kind = e.path("event").asString("");
        String detail;
        String tone = "";
        switch (kind) {
            case "tool_call" -> {
                String outcome = e.path("outcome").asString("");
                tone = outcome.equals("ok") ? "ok" : "bad";
                detail = outcome + " in " + e.path("latency_ms").asString("?") + " ms, on " + e.path("upstream").asString("?")
                        + (e.hasNonNull("trace_id") ? ", trace " + e.get("trace_id").asString() : "");
            }
            case "registry_change" -> {
                int status = e.path("status").asInt(0);
                tone = status >= 200 && status < 300 ? "ok" : "bad";
                detail = "answered " + status;
            }
            case "access_denied" -> {
                tone = "bad";
                detail = "needed " + e.path("needed").asString("?") + ", from " + e.path("address").asString("?");
            }
            case "auth_failure" -> {
                tone = "bad";
                detail = e.path("reason").asString("");
            }
            case "rate_limited" -> {
                tone = "bad";
                detail = "over its rate limit";
            }
            case "token_issued" -> {
                List<String> scopes = new ArrayList<>();
                e.path("scopes").forEach(s -> scopes.add(s.asString()));
                detail = "for " + e.path("subject").asString("?") + ", " + e.path("role").asString("?")
                        + (scopes.isEmpty() ? "" : " (" + String.join(" ", scopes) + ")") + ", expires "
                        + shown(e.path("expires_at").asString(""));
            }
            default -> detail = "";
        }
        return new AuditRow(at == null ? "–" : SHOWN.format(at), kind, AuditTrail.who(e), AuditTrail.what(e), detail, tone);
    }

    /** This list with the same filters, at another page. */
    private static String address(Filters f, int pageNumber) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("who", f.who());
        query.put("event", f.event());
        query.put("what", f.what());
        query.put("from", f.from());
        query.put("to", f.to());
        StringBuilder out = new StringBuilder("/admin/audit?page=").append(pageNumber);
        query.forEach((k, v) -> {
            if (!v.isEmpty()) {
                out.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return out.toString();
    }

    /**
     * A time typed in the filter (a browser's date-and-time field: {@code 2026-05-01T09:30}, in UTC), or a full
     * instant; {@code to} a minute includes that whole minute.
     */
    private static Instant moment(String name, String text, boolean end, List<String> wrong) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notInstant) {
            try {
                LocalDateTime local = LocalDateTime.parse(text);
                Instant at = local.toInstant(ZoneOffset.UTC);
                return end && local.getSecond() == 0 && local.getNano() == 0 ? at.plus(1, ChronoUnit.MINUTES).minusNanos(1) : at;
            } catch (DateTimeParseException e) {
                wrong.add(name + ": '" + text + "' is not a date and time such as 2026-05-01T09:30 (UTC)");
                return null;
            }
        }
    }

    private static String shown(String instant) {
        try {
            return SHOWN.format(Instant.parse(instant));
        } catch (DateTimeParseException e) {
            return instant;
        }
    }

    private static int pageNumber(String text) {
        try {
            return text == null ? 1 : Math.max(1, Math.min(10_000, Integer.parseInt(text.trim())));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static String param(Context ctx, String name) {
        String value = ctx.queryParam(name);
        return value == null ? "" : value.trim();
    }

    private static String blankToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}

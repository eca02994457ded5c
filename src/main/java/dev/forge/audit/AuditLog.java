package dev.forge.audit;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import dev.forge.auth.AuthEvents;
import dev.forge.observe.RollingFile;
import dev.forge.protocol.Json;
import dev.forge.store.TokenRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One JSON line per security-relevant event, to its own daily file kept for {@code LOG_RETENTION} (or to the main
 * log when no file is configured). Lines are written off the request thread. No credential is ever passed in; tool
 * arguments are recorded only when asked for, with values under secret-looking keys replaced.
 */
public final class AuditLog implements AuthEvents, AutoCloseable {

    /** A key holding any of these words (in any case) has its value redacted. */
    private static final List<String> SECRET_WORDS = List.of("pass", "secret", "token", "key", "auth", "credential", "cookie", "session");
    static final String REDACTED = "***";

    private final org.slf4j.Logger out;
    private final LoggerContext ownContext;
    private final boolean recordArguments;
    private final Clock clock;
    private final Path file;

    private AuditLog(org.slf4j.Logger out, LoggerContext ownContext, boolean recordArguments, Clock clock, Path file) {
        this.out = out;
        this.file = file;
        this.ownContext = ownContext;
        this.recordArguments = recordArguments;
        this.clock = clock;
    }

    /** Audit lines in {@code file} (see {@link RollingFile}: rolled daily and by size, {@code retention} kept), or in the main log when file is null. */
    public static AuditLog open(Path file, Duration retention, boolean recordArguments, Clock clock) {
        if (file == null) {
            return new AuditLog(LoggerFactory.getLogger("forge.audit"), null, recordArguments, clock, null);
        }
        LoggerContext context = new LoggerContext(); // its own: reconfiguring the main log never drops audit lines
        context.setName("forge-audit");
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        context.start();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        RollingFileAppender<ILoggingEvent> fileAppender = RollingFile.appender(context, file, retention, encoder);
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setQueueSize(8192);
        async.setDiscardingThreshold(0); // audit lines are never dropped to save time
        async.addAppender(fileAppender);
        async.start();
        Logger logger = context.getLogger("forge.audit");
        logger.setAdditive(false);
        logger.addAppender(async);
        return new AuditLog(logger, context, recordArguments, clock, file);
    }

    /** The file the lines go to (the newest of its rolled files); null when they go to the main log. */
    public Path file() {
        return file;
    }

    @Override
    public void authFailure(String address, String method, String path, String reason) {
        ObjectNode e = event("auth_failure");
        e.put("address", address).put("method", method).put("path", path).put("reason", reason);
        write(e);
    }

    @Override
    public void accessDenied(String subject, String address, String method, String path, String needed) {
        ObjectNode e = event("access_denied");
        e.put("subject", subject).put("address", address).put("method", method).put("path", path).put("needed", needed);
        write(e);
    }

    @Override
    public void rateLimited(String chargedTo, String method, String path) {
        ObjectNode e = event("rate_limited");
        e.put("charged_to", chargedTo).put("method", method).put("path", path);
        write(e);
    }

    @Override
    public void tokenIssued(TokenRecord token, String by) {
        ObjectNode e = event("token_issued");
        e.put("token_id", token.id()).put("name", token.name()).put("subject", token.subject()).put("role", token.role())
                .put("expires_at", token.expiresAt().toString()).put("by", by);
        var scopes = e.putArray("scopes");
        token.scopes().forEach(scopes::add);
        write(e);
    }

    @Override
    public void tokenRevoked(String tokenId, String by) {
        ObjectNode e = event("token_revoked");
        e.put("token_id", tokenId).put("by", by);
        write(e);
    }

    public void registryChange(String subject, String method, String path, int status) {
        ObjectNode e = event("registry_change");
        e.put("subject", subject).put("method", method).put("path", path).put("status", status);
        write(e);
    }

    /**
     * A connection tried from the console before a gateway is saved (it may start a process, or reach an address):
     * who tried what, and how it went ({@code ready}, {@code failed}, {@code connecting}, or {@code refused} when the
     * form was not valid).
     */
    public void gatewayTrial(String subject, String gateway, String transport, String outcome) {
        ObjectNode e = event("gateway_trial");
        e.put("subject", subject).put("gateway", gateway).put("transport", transport).put("outcome", outcome);
        write(e);
    }

    /** {@code outcome}: ok, error (the tool said so) or failed (it never answered properly). */
    public void toolCall(String subject, String tool, String upstream, String outcome, long micros, JsonNode arguments) {
        toolCall(subject, tool, upstream, outcome, micros, arguments, null);
    }

    /** @param traceId the call's trace when Forge traces (null: none), to find its spans from this line */
    public void toolCall(String subject, String tool, String upstream, String outcome, long micros, JsonNode arguments,
                         String traceId) {
        ObjectNode e = event("tool_call");
        e.put("subject", subject).put("tool", tool).put("upstream", upstream).put("outcome", outcome)
                .put("latency_ms", micros / 1000.0);
        if (traceId != null) {
            e.put("trace_id", traceId);
        }
        if (recordArguments && arguments != null) {
            e.set("arguments", redact(arguments));
        }
        write(e);
    }

    /** Whether a key names a secret; called for every argument of every audited call, so no regex. */
    static boolean secretLooking(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** A copy with every value under a secret-looking key replaced, at any depth. */
    static JsonNode redact(JsonNode node) {
        if (node instanceof ObjectNode object) {
            ObjectNode copy = Json.object();
            object.properties().forEach(p -> {
                if (secretLooking(p.getKey())) {
                    copy.put(p.getKey(), REDACTED);
                } else {
                    copy.set(p.getKey(), redact(p.getValue()));
                }
            });
            return copy;
        }
        if (node.isArray()) {
            var copy = Json.array();
            node.forEach(item -> copy.add(redact(item)));
            return copy;
        }
        return node;
    }

    private ObjectNode event(String kind) {
        ObjectNode e = Json.object();
        e.put("ts", clock.instant().toString());
        e.put("event", kind);
        return e;
    }

    private void write(ObjectNode event) {
        out.info(Json.text(event));
    }

    @Override
    public void close() {
        if (ownContext != null) {
            ownContext.stop();
        }
    }
}

package dev.forge.transport;

import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import dev.forge.session.SessionStore;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a request on the replica its session began on, when only that replica can: the request goes to an upstream
 * whose per-client session (a process of its own) lives there. The client's HTTP request is replayed there as it came
 * (its own credentials, its own session id), and the answer, JSON or an SSE stream, is passed back as it is written.
 * The replica gone, the session is gone with its upstream sessions: the client gets the spec's 404 and initializes
 * again. One hop at most: a request that already made one is served where it lands.
 */
public final class OwnerHop {

    private static final Logger LOG = LoggerFactory.getLogger(OwnerHop.class);
    /** Marks a request replayed from another replica. */
    static final String HOP_HEADER = "Forge-Replica-Hop";
    private static final List<String> FORWARDED = List.of("Content-Type", "Accept", StreamableHttpEndpoint.SESSION_HEADER,
            StreamableHttpEndpoint.VERSION_HEADER, "Authorization", "Last-Event-ID", ModernEndpoint.METHOD_HEADER,
            ModernEndpoint.NAME_HEADER, "traceparent", "tracestate");
    private static final List<String> RETURNED = List.of("Content-Type", "Cache-Control", StreamableHttpEndpoint.SESSION_HEADER);

    /** One process: every request is served where it lands. */
    public static final OwnerHop NONE = new OwnerHop(null, null, null, Duration.ZERO);

    private final SessionStore sessions;
    private final BiPredicate<ClientSession, Message.Request> ownerBound;
    private final HttpClient http;
    private final Duration timeout;

    public OwnerHop(SessionStore sessions, BiPredicate<ClientSession, Message.Request> ownerBound, HttpClient http, Duration timeout) {
        this.sessions = sessions;
        this.ownerBound = ownerBound;
        this.http = http;
        this.timeout = timeout;
    }

    /** True when the request was served by its session's replica (the answer is written); false to serve it here. */
    boolean served(Context ctx, ClientSession session, Message message, byte[] body) {
        if (sessions == null || !(message instanceof Message.Request request) || ctx.header(HOP_HEADER) != null) {
            return false;
        }
        URI owner = sessions.ownerElsewhere(session);
        if (owner == null || !ownerBound.test(session, request)) {
            return false;
        }
        replay(ctx, owner, request, body, e -> gone(ctx, session, request, e));
        return true;
    }

    /**
     * A modern request that continues what another replica holds (a call waiting for its retry, a task): replayed on
     * that replica as it came. False, to serve it here, for one process or a request that already made its hop.
     *
     * @param unreachable answers the client when that replica cannot be reached
     */
    boolean servedBy(Context ctx, URI replica, Message.Request request, byte[] body, java.util.function.Consumer<IOException> unreachable) {
        if (sessions == null || ctx.header(HOP_HEADER) != null) {
            return false;
        }
        replay(ctx, replica, request, body, unreachable);
        return true;
    }

    private void replay(Context ctx, URI owner, Message.Request request, byte[] body, java.util.function.Consumer<IOException> unreachable) {
        String query = ctx.queryString();
        HttpRequest.Builder replay = HttpRequest.newBuilder(owner.resolve(ctx.path() + (query == null ? "" : "?" + query)))
                .timeout(timeout).POST(HttpRequest.BodyPublishers.ofByteArray(body)).header(HOP_HEADER, "1");
        for (String name : FORWARDED) {
            String value = ctx.header(name);
            if (value != null) {
                replay.header(name, value);
            }
        }
        String forwardedFor = ctx.header("X-Forwarded-For");
        replay.header("X-Forwarded-For", (forwardedFor == null ? "" : forwardedFor + ", ") + ctx.ip());
        HttpResponse<InputStream> answer;
        try {
            answer = http.send(replay.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) { // refused, reset, timed out
            unreachable.accept(e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            HttpErrors.reply(ctx, 503, request.id(), JsonRpcError.INTERNAL_ERROR, "Service Unavailable: stopping");
            return;
        }
        ctx.status(answer.statusCode());
        for (String name : RETURNED) {
            answer.headers().firstValue(name).ifPresent(value -> ctx.header(name, value));
        }
        try (InputStream in = answer.body()) {
            OutputStream out = ctx.res().getOutputStream();
            byte[] chunk = new byte[8192];
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                out.write(chunk, 0, n);
                out.flush(); // an SSE event goes on the moment it comes
            }
        } catch (IOException e) {
            // the client went away, or the replica did mid-answer: closing the stream tells the other side
            LOG.debug("a request replayed on {} ended early: {}", owner, e.getMessage());
        }
    }

    /** The replica holding the session's upstream sessions cannot be reached: the session ends, the client starts over. */
    private void gone(Context ctx, ClientSession session, Message.Request request, Exception why) {
        LOG.info("session {}: its replica cannot be reached ({}); the session ends", session.id(), why.toString());
        sessions.remove(session.id());
        HttpErrors.reply(ctx, 404, request.id(), JsonRpcError.INVALID_REQUEST, "Session not found: " + session.id()
                + " (the replica holding its per-client upstream sessions is gone; initialize again)");
    }
}

package dev.forge.transport;

import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import dev.forge.session.SessionStore;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.time.Duration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a request on the replica that holds what it needs, when only that replica can: a legacy session's request for
 * an upstream whose per-client session (a process of its own) lives there, or a modern client's retry, task request or
 * task listen for a call that runs there. The client's HTTP request is replayed on the same listener of that replica
 * as it came (its own credentials, its own session id), and the answer, JSON or an SSE stream, is passed back as it is
 * written. The replica gone, what it held is gone: a legacy session ends (the spec's 404, the client initializes
 * again); a modern client is told its call or task ended. One hop at most: a request that already made one is served
 * where it lands.
 */
public final class OwnerHop {

    private static final Logger LOG = LoggerFactory.getLogger(OwnerHop.class);
    /** Marks a request replayed from another replica, naming the replica it is meant for. */
    static final String HOP_HEADER = "Forge-Replica-Hop";
    /** A replayed answer silent this long is given up: a replica's streams carry a keep-alive every 15 s. */
    private static final long SILENCE_MS = 45_000;
    private static final List<String> FORWARDED = List.of("Content-Type", "Accept", StreamableHttpEndpoint.SESSION_HEADER,
            StreamableHttpEndpoint.VERSION_HEADER, "Authorization", "Last-Event-ID", ModernEndpoint.METHOD_HEADER,
            ModernEndpoint.NAME_HEADER, "traceparent", "tracestate");
    private static final List<String> RETURNED = List.of("Content-Type", "Cache-Control", StreamableHttpEndpoint.SESSION_HEADER,
            "Retry-After", "WWW-Authenticate", "X-Accel-Buffering");

    /** One process: every request is served where it lands. */
    public static final OwnerHop NONE = new OwnerHop(null, null, null, port -> null, Duration.ZERO);

    private final SessionStore sessions;
    private final BiPredicate<ClientSession, Message.Request> ownerBound;
    private final HttpClient http;
    /** The name of the listener on a local port: a request is replayed on the same listener of the other replica. */
    private final IntFunction<String> listenerOn;
    /** How long a replica may take to begin an answer in JSON: past its own deadline for the request, it never will. */
    private final Duration answerWithin;

    /** What became of a request that names another replica. */
    enum Hop {
        /** Answered: by that replica, or with an error saying why it could not be (written). */
        ANSWERED,
        /** To be served here: one process, or a request that already made its hop. */
        HERE,
        /** That replica is not running, or refuses connections: nothing was written. */
        GONE
    }

    /** @param requestTimeout the replicas' request timeout: an answer in JSON comes by its deadline for a request */
    public OwnerHop(SessionStore sessions, BiPredicate<ClientSession, Message.Request> ownerBound, HttpClient http,
                    IntFunction<String> listenerOn, Duration requestTimeout) {
        this.answerWithin = Inbound.answerDeadline(requestTimeout).plusSeconds(10); // and the way back
        this.sessions = sessions;
        this.ownerBound = ownerBound;
        this.http = http;
        this.listenerOn = listenerOn;
    }

    /**
     * True when the request was replayed here for another replica (an address that outlived it, now another
     * process's): answered {@code 421}, which the sender takes as that replica being gone.
     */
    boolean misdirected(Context ctx) {
        String meantFor = ctx.header(HOP_HEADER);
        String self = sessions == null ? null : sessions.replicaTag();
        // a replica of an earlier version marks its hops without naming the target ("1"): served as before
        if (meantFor == null || self == null || meantFor.equals(self) || meantFor.length() != self.length()) {
            return false;
        }
        HttpErrors.reply(ctx, 421, JsonRpcError.INVALID_REQUEST, "Misdirected Request: this is not replica " + meantFor);
        return true;
    }

    /** True when the request was served by its session's replica (the answer is written); false to serve it here. */
    boolean served(Context ctx, ClientSession session, Message message, byte[] body) {
        if (sessions == null || !(message instanceof Message.Request request) || ctx.header(HOP_HEADER) != null) {
            return false;
        }
        String owner = sessions.ownerReplica(session);
        if (owner == null || !ownerBound.test(session, request)) {
            return false;
        }
        if (servedBy(ctx, owner, request, body) == Hop.GONE) {
            gone(ctx, session, request);
        }
        return true;
    }

    /**
     * Replays the request on the same listener of the replica with this tag, as it came, and passes its answer back as
     * it is written. The request's own deadline is that replica's to keep (a call may run as long as its upstream's
     * timeout allows); only connecting is bounded here.
     */
    Hop servedBy(Context ctx, String replica, Message.Request request, byte[] body) {
        if (sessions == null || ctx.header(HOP_HEADER) != null) {
            return Hop.HERE;
        }
        URI owner;
        try {
            owner = sessions.replicaElsewhere(replica, listenerOn.apply(ctx.req().getLocalPort()));
        } catch (RuntimeException e) { // Redis: no replica can be found until it is back
            LOG.warn("where replica {} is cannot be read: {}", replica, e.getMessage());
            HttpErrors.reply(ctx, 503, request.id(), JsonRpcError.INTERNAL_ERROR, "Service Unavailable: the store the replicas"
                    + " share (Redis) cannot be reached to find the replica holding this request's state; try again");
            return Hop.ANSWERED;
        }
        if (owner == null) {
            return Hop.GONE;
        }
        String query = ctx.queryString();
        HttpRequest.Builder replay = HttpRequest.newBuilder(owner.resolve(ctx.path() + (query == null ? "" : "?" + query)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header(HOP_HEADER, replica);
        for (String name : FORWARDED) {
            String value = ctx.header(name);
            if (value != null) {
                replay.header(name, value);
            }
        }
        String forwardedFor = ctx.header("X-Forwarded-For");
        replay.header("X-Forwarded-For", (forwardedFor == null ? "" : forwardedFor + ", ") + ctx.ip());
        // a client that takes a stream gets it opened at once by the replica (then kept alive); one that takes only JSON
        // waits for the whole answer, which the replica gives by its own deadline for the request
        boolean streamed = Accept.parse(ctx.header("Accept")).eventStream();
        long beginWithinMs = streamed ? SILENCE_MS : answerWithin.toMillis();
        HttpResponse<InputStream> answer;
        java.util.concurrent.CompletableFuture<HttpResponse<InputStream>> sent =
                http.sendAsync(replay.build(), HttpResponse.BodyHandlers.ofInputStream());
        try {
            answer = sent.get(beginWithinMs, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            sent.cancel(true);
            HttpErrors.reply(ctx, 502, request.id(), JsonRpcError.INTERNAL_ERROR, "Bad Gateway: the replica holding this"
                    + " request's state did not begin its answer within " + beginWithinMs / 1000 + " s; try again");
            return Hop.ANSWERED;
        } catch (java.util.concurrent.ExecutionException e) {
            return failed(ctx, replica, owner, request, e.getCause());
        } catch (InterruptedException e) {
            sent.cancel(true);
            Thread.currentThread().interrupt();
            HttpErrors.reply(ctx, 503, request.id(), JsonRpcError.INTERNAL_ERROR, "Service Unavailable: stopping");
            return Hop.ANSWERED;
        }
        if (answer.statusCode() == 421) { // another process has that address now
            closeQuietly(answer.body());
            return Hop.GONE;
        }
        return passBack(ctx, owner, answer);
    }

    /** Why a replay found no answer: the replica gone, busy, or cut off. */
    private Hop failed(Context ctx, String replica, URI owner, Message.Request request, Throwable why) {
        try {
            throw why;
        } catch (ConnectException | NoRouteToHostException e) { // nobody there: the replica stopped
            LOG.info("replica {} at {} cannot be reached: {}", replica, owner, e.toString());
            return Hop.GONE;
        } catch (HttpConnectTimeoutException e) {
            if (!sessions.registered(replica)) { // an address it no longer announces: it went without a word
                LOG.info("replica {} at {} is no longer registered and does not answer: {}", replica, owner, e.toString());
                return Hop.GONE;
            }
            ctx.header("Retry-After", "1"); // there, but too busy to take the connection
            HttpErrors.reply(ctx, 503, request.id(), JsonRpcError.INTERNAL_ERROR, "Service Unavailable: the replica holding"
                    + " this request's state did not take the connection in time; try again");
            return Hop.ANSWERED;
        } catch (Throwable e) { // reset or cut off after connecting: it may still run the call
            HttpErrors.reply(ctx, 502, request.id(), JsonRpcError.INTERNAL_ERROR, "Bad Gateway: the replica holding this"
                    + " request's state stopped answering (" + e.getClass().getSimpleName() + "); try again");
            return Hop.ANSWERED;
        }
    }

    /** The replica's answer, passed back as it is written; given up when it falls silent. */
    private static Hop passBack(Context ctx, URI owner, HttpResponse<InputStream> answer) {
        ctx.status(answer.statusCode());
        for (String name : RETURNED) {
            answer.headers().firstValue(name).ifPresent(value -> ctx.header(name, value));
        }
        InputStream in = answer.body();
        java.util.concurrent.atomic.AtomicLong lastHeard = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        Thread watchdog = Thread.ofVirtual().name("replica-hop-watchdog").start(() -> closeWhenSilent(in, lastHeard));
        try (in) {
            OutputStream out = ctx.res().getOutputStream();
            byte[] chunk = new byte[8192];
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                lastHeard.set(System.nanoTime());
                out.write(chunk, 0, n);
                out.flush(); // an SSE event goes on the moment it comes
            }
        } catch (IOException e) {
            // the client went away, or the replica did mid-answer (or fell silent): closing the stream tells the other side
            LOG.debug("a request replayed on {} ended early: {}", owner, e.getMessage());
        } finally {
            watchdog.interrupt();
        }
        return Hop.ANSWERED;
    }

    /** Ends a replayed answer the replica has stopped writing (no keep-alive either): it is not coming. */
    private static void closeWhenSilent(InputStream in, java.util.concurrent.atomic.AtomicLong lastHeard) {
        try {
            while (true) {
                long silentMs = (System.nanoTime() - lastHeard.get()) / 1_000_000;
                if (silentMs >= SILENCE_MS) {
                    LOG.info("a replayed answer was silent for {} s: given up", SILENCE_MS / 1000);
                    closeQuietly(in);
                    return;
                }
                Thread.sleep(SILENCE_MS - silentMs);
            }
        } catch (InterruptedException e) {
            // the answer ended
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // closing is all that was asked
        }
    }

    /** The replica holding the session's upstream sessions is gone: the session ends, the client starts over. */
    private void gone(Context ctx, ClientSession session, Message.Request request) {
        LOG.info("session {}: its replica is gone; the session ends", session.id());
        sessions.remove(session.id());
        HttpErrors.reply(ctx, 404, request.id(), JsonRpcError.INVALID_REQUEST, "Session not found: " + session.id()
                + " (the replica holding its per-client upstream sessions is gone; initialize again)");
    }
}

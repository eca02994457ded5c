package dev.forge.transport;

import dev.forge.auth.Principal;
import dev.forge.session.SessionLimitException;
import dev.forge.dispatch.Failures;
import dev.forge.dispatch.McpHandler;
import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.JsonRpcException;
import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import dev.forge.session.SessionStore;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The legacy HTTP+SSE transport (MCP 2024-11-05): {@code GET .../sse} opens the session and its stream, whose first
 * event names the URL to POST messages to; every answer travels back on the stream. The session ends with the stream.
 */
public final class LegacySseEndpoint {

    private final Inbound inbound;
    private final SessionStore sessions;
    private final Predicate<String> scopeExists;
    private final OwnerHop ownerHop;

    public LegacySseEndpoint(McpHandler handler, SessionStore sessions, Predicate<String> scopeExists) {
        this(handler, sessions, scopeExists, OwnerHop.NONE);
    }

    /** @param ownerHop serves on their session's replica the requests only it can serve */
    public LegacySseEndpoint(McpHandler handler, SessionStore sessions, Predicate<String> scopeExists, OwnerHop ownerHop) {
        this.ownerHop = ownerHop;
        this.inbound = new Inbound(handler);
        this.sessions = sessions;
        this.scopeExists = scopeExists;
    }

    public void stream(Context ctx, String scope) {
        if (!scopeExists.test(scope)) {
            HttpErrors.reply(ctx, 404, JsonRpcError.INVALID_REQUEST, "Not Found: no MCP endpoint " + ctx.path());
            return;
        }
        ClientSession session;
        try {
            session = sessions.create(scope, Principal.of(ctx));
        } catch (SessionLimitException e) {
            HttpErrors.reply(ctx, 429, JsonRpcError.RATE_LIMITED, e.getMessage());
            return;
        }
        long generation = session.openStream();
        String path = ctx.path();
        String messagePath = path.substring(0, path.length() - "sse".length()) + "message?session_id=" + session.id();
        try {
            SseWriter sse = SseWriter.open(ctx, null);
            sse.event("endpoint", messagePath);
            StreamableHttpEndpoint.pump(session, generation, sse);
        } catch (IOException e) {
            // client disconnected
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            session.closeStream(generation);
            sessions.remove(session.id());
        }
    }

    public void message(Context ctx, String scope) {
        if (ownerHop.misdirected(ctx)) {
            return;
        }
        String sessionId = ctx.queryParam("session_id");
        if (sessionId == null) {
            sessionId = ctx.queryParam("sessionId");
        }
        ClientSession session = sessions.find(sessionId);
        if (session == null || !session.scope().equals(scope) || !session.ownedBy(Principal.of(ctx))) {
            HttpErrors.reply(ctx, 404, JsonRpcError.INVALID_REQUEST, "Session not found: " + sessionId
                    + " (open " + ctx.path().replaceAll("message$", "sse") + " first)");
            return;
        }
        session.touch();
        JsonNode body;
        Message message;
        byte[] bytes = HttpBodies.read(ctx);
        if (Batches.isBatch(bytes)) { // refused before it becomes a tree, however many entries it has
            Batches.refuse(ctx, bytes);
            return;
        }
        try {
            body = Json.parse(bytes);
            TraceParent.adopt(ctx, body);
            message = Message.of(body);
        } catch (JsonRpcException e) {
            HttpErrors.reply(ctx, 400, e.error().code(), e.getMessage());
            return;
        }
        if (ownerHop.served(ctx, session, message, bytes)) {
            return;
        }
        Inbound.Answer answer = inbound.accept(session, message, false);
        if (answer != null) {
            JsonNode id = body.get("id");
            answer.response().whenComplete((ok, failure) -> session.send(failure == null ? ok
                    : Message.error(id, Failures.toError(failure)).node()));
        }
        ctx.status(202);
        ctx.result("Accepted");
    }
}

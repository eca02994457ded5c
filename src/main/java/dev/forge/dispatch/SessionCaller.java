package dev.forge.dispatch;

import dev.forge.protocol.Json;
import dev.forge.session.ClientSession;
import dev.forge.session.InFlight;
import dev.forge.upstream.Caller;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.node.ObjectNode;

/** A client request (or, with no {@code inFlight}, the client itself), seen from an upstream. */
record SessionCaller(ClientSession session, InFlight inFlight) implements Caller {

    @Override
    public String sessionId() {
        return session.id();
    }

    @Override
    public ObjectNode clientCapabilities() {
        ObjectNode declared = session.clientCapabilities();
        return declared == null ? Json.object() : declared;
    }

    @Override
    public boolean stateless() {
        return session.ephemeral();
    }

    @Override
    public String logLevel() {
        return session.logLevel();
    }

    @Override
    public void relay(ObjectNode message) {
        if (inFlight != null) {
            inFlight.relay(message);
        } else {
            session.send(message);
        }
    }

    @Override
    public CompletableFuture<ObjectNode> ask(String method, ObjectNode params) {
        return session.ask(method, params, inFlight);
    }

    @Override
    public java.util.List<CompletableFuture<ObjectNode>> askAll(java.util.List<java.util.Map.Entry<String, ObjectNode>> questions) {
        return session.askAll(questions, inFlight);
    }

    @Override
    public void withdraw(CompletableFuture<ObjectNode> asked, String reason) {
        session.withdraw(asked, reason);
    }

    @Override
    public void onCancel(Runnable action) {
        if (inFlight != null) {
            inFlight.onCancel(action);
        }
    }

    @Override
    public Caller sessionWide() {
        return inFlight == null ? this : new SessionCaller(session, null);
    }
}

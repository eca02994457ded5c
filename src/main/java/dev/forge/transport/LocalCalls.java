package dev.forge.transport;

import dev.forge.auth.Principal;
import dev.forge.dispatch.McpHandler;
import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import dev.forge.protocol.ProtocolVersions;
import dev.forge.session.ClientSession;
import dev.forge.session.SessionStore;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.node.ObjectNode;

/**
 * Requests made from inside the gateway on a principal's behalf (the console trying a tool), through the pipeline
 * a client's request takes: routing, the access rule, audit, metrics, dispatch. Each gets a session of its own, opened
 * with {@code initialize} as a legacy-era client opens one; what the upstream sends about the request meanwhile
 * (progress, log lines) is handed over as it comes; the answer is awaited no longer than the request timeout; and
 * giving up cancels the request upstream, as a client's {@code notifications/cancelled} does.
 */
public final class LocalCalls {

    /** Marks, in a request's queue, that its answer is in; compared by identity. */
    private static final ObjectNode ANSWERED = Json.object();

    private final Inbound inbound;
    private final SessionStore sessions;
    private final Duration deadline;

    public LocalCalls(McpHandler handler, SessionStore sessions, Duration requestTimeout) {
        this.inbound = new Inbound(handler);
        this.sessions = sessions;
        this.deadline = Inbound.answerDeadline(requestTimeout);
    }

    /** How long a request is waited for at most. */
    public Duration deadline() {
        return deadline;
    }

    /**
     * Opens a session for {@code principal} on the endpoint of {@code scope} and sends the request; throws
     * {@link dev.forge.session.SessionLimitException} when the principal holds too many sessions already.
     *
     * @param client the name the session gives as its {@code clientInfo}
     */
    public Call start(Principal principal, String scope, String method, ObjectNode params, String client, String version) {
        ClientSession session = sessions.create(scope, principal);
        try {
            ObjectNode hello = Json.object().put("protocolVersion", ProtocolVersions.LATEST);
            hello.putObject("capabilities"); // nothing to offer: no sampling, no elicitation, no roots
            hello.putObject("clientInfo").put("name", client).put("version", version);
            ObjectNode greeted = inbound.accept(session, Message.request(id("hello"), "initialize", hello),
                    false).response().get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            if (greeted.has("error")) {
                return new Call(session, greeted);
            }
            session.markInitialized();
            return new Call(session, inbound.accept(session, Message.request(id("call"), method, params), true));
        } catch (TimeoutException e) {
            return new Call(session, Message.error(id("hello"), new JsonRpcError(JsonRpcError.REQUEST_TIMEOUT,
                    "The session's initialize went unanswered")).node());
        } catch (ExecutionException e) {
            return new Call(session, Message.error(id("hello"), dev.forge.dispatch.Failures.toError(e)).node());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sessions.remove(session.id());
            throw new IllegalStateException("interrupted while opening a session", e);
        } catch (RuntimeException e) {
            sessions.remove(session.id());
            throw e;
        }
    }

    private static tools.jackson.databind.JsonNode id(String id) {
        return tools.jackson.databind.node.JsonNodeFactory.instance.stringNode(id);
    }

    /** One request under way. Close it when done with it: its session ends (and with it a call still running). */
    public final class Call implements AutoCloseable {

        private final ClientSession session;
        private final Inbound.Answer answer;
        private final CompletableFuture<ObjectNode> response;
        private final BlockingQueue<ObjectNode> related;
        private final long giveUpAt = System.nanoTime() + deadline.toNanos();

        private Call(ClientSession session, Inbound.Answer answer) {
            this.session = session;
            this.answer = answer;
            this.response = answer.response();
            this.related = answer.inFlight().related();
            response.whenComplete((ok, failure) -> {
                while (!related.offer(ANSWERED)) { // bounded: a full queue gives up its oldest for the marker
                    related.poll();
                }
            });
        }

        /** A request refused before it was sent (the session's opening failed). */
        private Call(ClientSession session, ObjectNode refusal) {
            this.session = session;
            this.answer = null;
            this.response = CompletableFuture.completedFuture(refusal);
            this.related = new java.util.concurrent.LinkedBlockingQueue<>();
        }

        /**
         * The next message the upstream sent about this request, waiting at most {@code wait}: null when none came in
         * time or the answer is in ({@link #answered()} tells which). A question for the client (sampling,
         * elicitation) is refused at once, since nobody here can answer it, and still handed over to be shown.
         */
        public ObjectNode next(Duration wait) throws InterruptedException {
            long nanos = Math.max(0, Math.min(wait.toNanos(), giveUpAt - System.nanoTime()));
            ObjectNode message = related.poll(nanos, TimeUnit.NANOSECONDS);
            if (message == ANSWERED || message == null) {
                return null;
            }
            if (message.hasNonNull("method") && message.hasNonNull("id")) {
                session.answered(new Message.Response(Message.error(message.get("id"), new JsonRpcError(
                        JsonRpcError.METHOD_NOT_FOUND, "This client cannot answer " + message.get("method").asString()))
                        .node()));
            }
            return message;
        }

        /** True once the answer is in and everything sent before it has been taken. */
        public boolean answered() {
            return response.isDone() && (related.isEmpty() || related.peek() == ANSWERED && related.size() == 1);
        }

        /** True once the deadline has passed without an answer. */
        public boolean overdue() {
            return !response.isDone() && System.nanoTime() - giveUpAt >= 0;
        }

        /** The answer (a whole JSON-RPC response), waiting for it until the deadline; a timeout cancels the request. */
        public ObjectNode response() {
            JsonRpcError error;
            try {
                return response.get(Math.max(0, giveUpAt - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                cancel();
                error = new JsonRpcError(JsonRpcError.REQUEST_TIMEOUT, "Request timed out after " + deadline.toSeconds() + " s");
            } catch (ExecutionException e) {
                error = dev.forge.dispatch.Failures.toError(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel();
                error = new JsonRpcError(JsonRpcError.INTERNAL_ERROR, "Interrupted");
            }
            return Message.error(id("call"), error).node();
        }

        /** Gives up on the request: the upstream is told, as a client's cancellation tells it. */
        public void cancel() {
            if (answer != null && !response.isDone()) {
                session.cancel(answer.inFlight().clientId());
            }
        }

        @Override
        public void close() {
            cancel();
            if (answer != null) {
                answer.inFlight().finish();
            }
            sessions.remove(session.id());
        }
    }
}

package dev.forge.upstream;

import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A modern-era upstream's questions during a call (MCP 2026-07-28's {@code input_required} result): each input
 * request is asked of the client the legacy way — a request on its stream, or, for a modern client, its own
 * {@code input_required} round — and once all are answered the call is sent again with the answers and the
 * upstream's {@code requestState}, until the upstream answers for good or has asked {@link #MAX_ROUNDS} times.
 */
final class InputRounds {

    /** The requests an upstream may answer with input_required. */
    static final Set<String> MAY_ASK = Set.of("tools/call", "prompts/get", "resources/read");
    static final int MAX_ROUNDS = 10;

    private InputRounds() {}

    /**
     * @param answer the upstream's answer to round {@code round}
     * @param resend sends the request again (a copy carrying the answers) and gives the next answer
     */
    static CompletableFuture<ObjectNode> next(String upstream, ObjectNode answer, ObjectNode request, Caller caller, int round,
                                              Duration timeout, Function<ObjectNode, CompletableFuture<ObjectNode>> resend) {
        JsonNode result = answer.get("result");
        if (result == null || !"input_required".equals(result.path("resultType").asString(""))) {
            return CompletableFuture.completedFuture(answer);
        }
        if (round >= MAX_ROUNDS) {
            return failed(answer, JsonRpcError.INTERNAL_ERROR, "upstream '" + upstream + "' asked for input " + MAX_ROUNDS
                    + " times in one call; the gateway gave up on it");
        }
        // every question is checked before any is asked: a client is not made to answer half of what cannot be done
        List<String> keys = new ArrayList<>();
        List<Map.Entry<String, ObjectNode>> questions = new ArrayList<>();
        for (Map.Entry<String, JsonNode> question : result.path("inputRequests").properties()) {
            String method = question.getValue().path("method").asString("");
            String capability = switch (method) {
                case "sampling/createMessage" -> "sampling";
                case "elicitation/create" -> "elicitation";
                case "roots/list" -> "roots";
                default -> null;
            };
            if (capability == null) {
                return failed(answer, JsonRpcError.INTERNAL_ERROR, "upstream '" + upstream + "' asked the client for '"
                        + method + "', which is not a kind of input MCP defines");
            }
            if (!caller.clientCapabilities().has(capability)) {
                return failed(answer, JsonRpcError.MISSING_CLIENT_CAPABILITY, "upstream '" + upstream + "' needs " + method
                        + " from the client, which did not declare the " + capability + " capability");
            }
            JsonNode params = question.getValue().get("params");
            keys.add(question.getKey());
            questions.add(Map.entry(method, params instanceof ObjectNode p ? p.deepCopy() : Json.object()));
        }
        List<CompletableFuture<ObjectNode>> asked = caller.askAll(questions);
        // bounded like the call: a client that never answers ends it, and is told its questions are withdrawn
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((done, failure) -> failure)
                .thenCompose(failure -> {
                    ObjectNode responses = Json.object();
                    String refused = null;
                    for (int i = 0; i < asked.size() && failure == null && refused == null; i++) {
                        ObjectNode reply = asked.get(i).join();
                        if (reply.get("error") != null || !(reply.get("result") instanceof ObjectNode answered)) {
                            refused = "the client did not answer " + questions.get(i).getKey() + ": "
                                    + reply.path("error").path("message").asString("no result");
                        } else {
                            responses.set(keys.get(i), answered);
                        }
                    }
                    if (failure != null || refused != null) {
                        asked.stream().filter(a -> !a.isDone()).forEach(a -> caller.withdraw(a, "the call's input was not all given in time"));
                        return failed(answer, failure != null ? JsonRpcError.REQUEST_TIMEOUT : JsonRpcError.INTERNAL_ERROR,
                                "upstream '" + upstream + "' asked for input: " + (failure != null
                                        ? "no answer from the client within " + timeout.toMillis() + " ms" : refused));
                    }
                    ObjectNode again = request.deepCopy();
                    ObjectNode params = again.get("params") instanceof ObjectNode p ? p : again.putObject("params");
                    params.set("inputResponses", responses);
                    JsonNode state = result.get("requestState");
                    if (state != null && state.isString()) {
                        params.set("requestState", state);
                    } else {
                        params.remove("requestState");
                    }
                    return resend.apply(again);
                });
    }

    private static CompletableFuture<ObjectNode> failed(ObjectNode answer, int code, String message) {
        return CompletableFuture.completedFuture(Message.error(answer.get("id"), new JsonRpcError(code, message)).node());
    }
}

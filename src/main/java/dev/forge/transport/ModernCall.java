package dev.forge.transport;

import dev.forge.protocol.Json;
import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One modern-era call that may take several rounds (MCP 2026-07-28's multi-round-trip requests). A legacy upstream
 * asks its client things in the middle of a call — sampling, elicitation, roots — as requests of its own; a modern
 * client takes no requests. So the question ends the current round: the client gets an {@code input_required}
 * result naming what is needed and a {@code requestState} that stands for this call, and its retry of the request,
 * carrying the answers, opens the next round. The upstream's call stays open throughout (its own timeout bounds it)
 * and gets each answer as the answer to its request.
 */
final class ModernCall implements ClientSession.Asker {

    /** A question of the upstream not yet answered by the client, under the key the client answers it by. */
    private record Asked(String method, ObjectNode params, CompletableFuture<ObjectNode> answer) {}

    final String state;
    final ClientSession session;
    final String method;
    final String target;
    /** The first round's request id: the upstream's call runs under it. */
    final JsonNode firstId;
    /** The progress token the first request named (null: none): the call's progress comes under it. */
    final JsonNode progressToken;
    private final UnaryOperator<ObjectNode> shaped;
    private final Runnable onOver;
    private final Map<String, Asked> asked = new LinkedHashMap<>();
    private int questions;
    private CompletableFuture<ObjectNode> round;
    private JsonNode roundId;
    private ObjectNode finalAnswer;
    private boolean over;
    private long rounds;

    /**
     * @param shaped gives an input_required result its modern shape
     * @param onOver runs once, when the upstream's answer has reached the client or the call is given up
     */
    ModernCall(String state, ClientSession session, String method, String target, JsonNode firstId, JsonNode progressToken,
               UnaryOperator<ObjectNode> shaped, Runnable onOver) {
        this.state = state;
        this.session = session;
        this.method = method;
        this.target = target;
        this.firstId = firstId;
        this.progressToken = progressToken;
        this.shaped = shaped;
        this.onOver = onOver;
        this.round = new CompletableFuture<>();
        this.roundId = firstId;
    }

    /** The first round's answer: the upstream's, or the first question it asks. */
    synchronized CompletableFuture<ObjectNode> firstRound() {
        return round;
    }

    @Override
    public synchronized CompletableFuture<ObjectNode> ask(String askedMethod, ObjectNode params) {
        CompletableFuture<ObjectNode> answer = new CompletableFuture<>();
        if (over) {
            answer.complete(Message.error(null, new dev.forge.protocol.JsonRpcError(dev.forge.protocol.JsonRpcError.INTERNAL_ERROR,
                    "the client's call has ended")).node());
            return answer;
        }
        String key = switch (askedMethod) {
            case "sampling/createMessage" -> "sampling";
            case "elicitation/create" -> "elicitation";
            case "roots/list" -> "roots";
            default -> "input";
        } + "-" + (++questions);
        asked.put(key, new Asked(askedMethod, params == null ? Json.object() : params, answer));
        endRoundWithQuestions();
        return answer;
    }

    @Override
    public synchronized void withdraw(CompletableFuture<ObjectNode> answer) {
        asked.values().removeIf(a -> a.answer() == answer);
        answer.complete(Message.error(null, new dev.forge.protocol.JsonRpcError(dev.forge.protocol.JsonRpcError.REQUEST_CANCELLED,
                "withdrawn by the upstream")).node());
    }

    /** The upstream answered the call: the round open now ends with it, or the client's next retry gets it. */
    synchronized void answered(ObjectNode response) {
        finalAnswer = response;
        if (round != null && !round.isDone()) {
            deliverFinal();
        }
    }

    /**
     * The client's retry: answers what it answers, and opens the next round, which ends with the upstream's answer
     * or with its next question (at once, if one is still unanswered).
     */
    synchronized CompletableFuture<ObjectNode> nextRound(JsonNode id, JsonNode inputResponses) {
        if (round != null && !round.isDone()) {
            round.complete(error(roundId, "a later retry of this request took its place"));
        }
        rounds++;
        round = new CompletableFuture<>();
        roundId = id;
        if (inputResponses instanceof ObjectNode responses) {
            for (Map.Entry<String, JsonNode> response : responses.properties()) {
                Asked question = asked.remove(response.getKey());
                if (question != null) { // keys the client made up are ignored, as the spec asks
                    question.answer().complete(Message.result(null, response.getValue()).node());
                }
            }
        }
        if (finalAnswer != null) {
            deliverFinal();
        } else {
            endRoundWithQuestions();
        }
        return round;
    }

    /** How many rounds the client has opened after the first (each retry is one). */
    synchronized long retries() {
        return rounds;
    }

    /** True once the upstream's answer has reached the client, or the call was given up. */
    synchronized boolean over() {
        return over;
    }

    /** Gives up: unanswered questions are answered with an error so the upstream's call can end. */
    synchronized void abandon(String why) {
        if (over) {
            return;
        }
        over = true;
        for (Asked question : asked.values()) {
            question.answer().complete(Message.error(null, new dev.forge.protocol.JsonRpcError(
                    dev.forge.protocol.JsonRpcError.INTERNAL_ERROR, why)).node());
        }
        asked.clear();
        if (round != null && !round.isDone()) {
            round.complete(error(roundId, why));
        }
        onOver.run();
    }

    private void deliverFinal() {
        ObjectNode response = finalAnswer.deepCopy();
        response.set("id", roundId);
        over = true;
        round.complete(response);
        onOver.run();
    }

    private void endRoundWithQuestions() {
        if (round == null || round.isDone() || asked.isEmpty()) {
            return;
        }
        ObjectNode result = Json.object();
        result.put("resultType", "input_required");
        ObjectNode requests = result.putObject("inputRequests");
        asked.forEach((key, question) -> {
            ObjectNode request = requests.putObject(key);
            request.put("method", question.method());
            request.set("params", question.params());
        });
        result.put("requestState", state);
        round.complete(shaped.apply(Message.result(roundId, result).node()));
    }

    private static ObjectNode error(JsonNode id, String why) {
        return Message.error(id, new dev.forge.protocol.JsonRpcError(dev.forge.protocol.JsonRpcError.INVALID_REQUEST, why)).node();
    }
}

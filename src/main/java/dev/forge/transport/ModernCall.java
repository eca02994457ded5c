package dev.forge.transport;

import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 *
 * <p>State changes under this object's lock; completing futures (which runs the upstream's side: a write to a
 * stdio pipe, a new round of questions) and ending the call happen after it is released, so an upstream's reader
 * thread that answers the call never waits behind another thread's I/O.
 */
final class ModernCall implements ClientSession.Asker {

    /** A question of the upstream not yet answered by the client, under the key the client answers it by. */
    private record Asked(String method, ObjectNode params, CompletableFuture<ObjectNode> answer) {}

    /** What to do once the lock is released. */
    private record Completion(CompletableFuture<ObjectNode> future, ObjectNode value) {}

    /** The requestState standing for this call, made (and the call registered for retries) at its first question. */
    private String state;
    private final java.util.function.Function<ModernCall, String> register;
    final ClientSession session;
    final String method;
    final String target;
    /** The first request's arguments (null: none): a retry must carry the same. */
    final JsonNode arguments;
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
    /** The call's outcome whatever round is open: the upstream's answer, or the error it was given up with. */
    private final CompletableFuture<ObjectNode> finished = new CompletableFuture<>();
    /** Told when the questions outstanding change (a task shows them); nothing until a task follows the call. */
    private volatile Runnable questionsChanged = () -> { };
    /** The task that follows the call now (null: none): its retries are over, tasks/update answers it. */
    private volatile String taskId;

    /**
     * @param shaped gives an input_required result its modern shape
     * @param onOver runs once, as the upstream's answer goes to the client or the call is given up
     */
    /** @param register makes the call findable by a retry, and gives the requestState that names it */
    ModernCall(java.util.function.Function<ModernCall, String> register, ClientSession session, String method, String target,
               JsonNode arguments, JsonNode firstId, JsonNode progressToken, UnaryOperator<ObjectNode> shaped, Runnable onOver) {
        this.register = register;
        this.session = session;
        this.method = method;
        this.target = target;
        this.arguments = arguments;
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
    public CompletableFuture<ObjectNode> ask(String askedMethod, ObjectNode params) {
        return askAll(List.of(Map.entry(askedMethod, params == null ? Json.object() : params))).getFirst();
    }

    /** Several questions asked together (a modern upstream's one round): the client gets them in one round too. */
    @Override
    public List<CompletableFuture<ObjectNode>> askAll(List<Map.Entry<String, ObjectNode>> questionsAsked) {
        List<CompletableFuture<ObjectNode>> answers = new ArrayList<>();
        List<Completion> after = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<String, ObjectNode> question : questionsAsked) {
                CompletableFuture<ObjectNode> answer = new CompletableFuture<>();
                answers.add(answer);
                if (over) {
                    after.add(new Completion(answer, failure(JsonRpcError.INTERNAL_ERROR, "the client's call has ended")));
                    continue;
                }
                String key = switch (question.getKey()) {
                    case "sampling/createMessage" -> "sampling";
                    case "elicitation/create" -> "elicitation";
                    case "roots/list" -> "roots";
                    default -> "input";
                } + "-" + (++questions);
                asked.put(key, new Asked(question.getKey(), question.getValue(), answer));
            }
            endRoundWithQuestions(after);
        }
        complete(after);
        questionsChanged.run();
        return answers;
    }

    @Override
    public void withdraw(CompletableFuture<ObjectNode> answer) {
        synchronized (this) {
            asked.values().removeIf(a -> a.answer() == answer);
        }
        answer.complete(failure(JsonRpcError.REQUEST_CANCELLED, "withdrawn by the upstream"));
        questionsChanged.run();
    }

    /** The questions not yet answered, as a client answers them: key → {method, params}. */
    synchronized ObjectNode outstanding() {
        ObjectNode requests = Json.object();
        asked.forEach((key, question) -> {
            ObjectNode request = requests.putObject(key);
            request.put("method", question.method());
            request.set("params", question.params());
        });
        return requests;
    }

    /** A task follows the call from now on: it is told when the questions change, and retries are refused. */
    void followedBy(String task, Runnable onQuestionsChanged) {
        this.questionsChanged = onQuestionsChanged;
        this.taskId = task;
    }

    /** The task following the call, or null. */
    String taskId() {
        return taskId;
    }

    /** How the call ends: the upstream's answer, or the error it was given up with (a task follows this). */
    CompletableFuture<ObjectNode> finished() {
        return finished;
    }

    /** The upstream answered the call: the round open now ends with it, or the client's next retry gets it. */
    void answered(ObjectNode response) {
        finished.complete(response);
        List<Completion> after = new ArrayList<>();
        boolean ended;
        synchronized (this) {
            finalAnswer = response;
            ended = round != null && !round.isDone() && deliverFinal(after);
        }
        if (ended) {
            onOver.run(); // first: once the client has the answer, its requestState must already be spent
        }
        complete(after);
    }

    /**
     * The client's retry: answers what it answers, and opens the next round, which ends with the upstream's answer
     * or with its next question (at once, if one is still unanswered).
     */
    CompletableFuture<ObjectNode> nextRound(JsonNode id, JsonNode inputResponses) {
        List<Completion> after = new ArrayList<>();
        CompletableFuture<ObjectNode> next = new CompletableFuture<>();
        boolean ended = false;
        synchronized (this) {
            if (over) { // given up meanwhile (not retried in time)
                after.add(new Completion(next, Message.error(id, new JsonRpcError(JsonRpcError.INVALID_PARAMS,
                        "Invalid params: this call has ended; send the request again without requestState")).node()));
            } else {
                if (round != null && !round.isDone()) {
                    after.add(new Completion(round, error(roundId, "a later retry of this request took its place")));
                }
                rounds++;
                round = next;
                roundId = id;
                if (inputResponses instanceof ObjectNode responses) {
                    for (Map.Entry<String, JsonNode> response : responses.properties()) {
                        Asked question = asked.remove(response.getKey());
                        if (question != null) { // keys the client made up are ignored, as the spec asks
                            after.add(new Completion(question.answer(), Message.result(null, response.getValue()).node()));
                        }
                    }
                }
                if (finalAnswer != null) {
                    ended = deliverFinal(after);
                } else {
                    endRoundWithQuestions(after);
                }
            }
        }
        if (ended) {
            onOver.run(); // first: once the client has the answer, its requestState must already be spent
        }
        complete(after);
        return next;
    }

    /** The requestState naming this call, or null while it has asked nothing. */
    synchronized String state() {
        return state;
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
    void abandon(String why) {
        List<Completion> after = new ArrayList<>();
        synchronized (this) {
            if (over) {
                return;
            }
            over = true;
            for (Asked question : asked.values()) {
                after.add(new Completion(question.answer(), failure(JsonRpcError.INTERNAL_ERROR, why)));
            }
            asked.clear();
            if (round != null && !round.isDone()) {
                after.add(new Completion(round, error(roundId, why)));
            }
        }
        finished.complete(failure(JsonRpcError.INTERNAL_ERROR, why));
        onOver.run();
        complete(after);
    }

    /** Under the lock: the final answer goes to the round open now; the call is over. */
    private boolean deliverFinal(List<Completion> after) {
        ObjectNode response = finalAnswer.deepCopy();
        response.set("id", roundId);
        over = true;
        after.add(new Completion(round, response));
        return true;
    }

    /** Under the lock: the round open now ends with the questions not yet answered. */
    private void endRoundWithQuestions(List<Completion> after) {
        if (round == null || round.isDone() || asked.isEmpty() || after.stream().anyMatch(c -> c.future() == round)) {
            return;
        }
        ObjectNode result = Json.object();
        result.put("resultType", "input_required");
        result.set("inputRequests", outstanding());
        if (state == null) {
            state = register.apply(this);
        }
        result.put("requestState", state);
        after.add(new Completion(round, shaped.apply(Message.result(roundId, result).node())));
    }

    private static void complete(List<Completion> after) {
        for (Completion completion : after) {
            completion.future().complete(completion.value());
        }
    }

    private static ObjectNode failure(int code, String why) {
        return Message.error(null, new JsonRpcError(code, why)).node();
    }

    private static ObjectNode error(JsonNode id, String why) {
        return Message.error(id, new JsonRpcError(JsonRpcError.INVALID_REQUEST, why)).node();
    }
}

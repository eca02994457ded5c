package dev.forge.transport;

import dev.forge.config.BatchLimits;
import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.JsonRpcException;
import dev.forge.protocol.Message;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a JSON-RPC batch may cost: its entries are counted before the body becomes a tree (a megabyte of tiny entries
 * is hundreds of megabytes as a tree), each entry draws on the rate limit, and the answer stops growing at its budget.
 */
public final class Batches {

    /** Takes {@code entries} requests from the caller's rate limit, or writes the 429 and says false. */
    @FunctionalInterface
    public interface Charge {
        boolean admit(Context ctx, int entries);
    }

    private final BatchLimits limits;
    private final Charge charge;

    public Batches(BatchLimits limits, Charge charge) {
        this.limits = limits;
        this.charge = charge;
    }

    /** True if the body is a JSON array: its first byte after whitespace is {@code [}. */
    static boolean isBatch(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '[';
            }
        }
        return false;
    }

    /** True if the batch may run; otherwise its refusal (400 over the cap, 429 over the rate limit) is written. */
    boolean admit(Context ctx, byte[] body) {
        int entries;
        try {
            entries = count(body, limits.maxEntries() + 1);
        } catch (JsonRpcException e) {
            HttpErrors.reply(ctx, 400, e.error().code(), e.getMessage());
            return false;
        }
        if (entries > limits.maxEntries()) {
            HttpErrors.reply(ctx, 400, JsonRpcError.INVALID_REQUEST, "Invalid Request: batch of more than "
                    + limits.maxEntries() + " entries (expected: at most " + limits.maxEntries() + ", MAX_BATCH_ENTRIES)");
            return false;
        }
        return charge.admit(ctx, entries);
    }

    /** The refusal of a batch on an endpoint that takes one message: a parse error if it is not even JSON. */
    static void refuse(Context ctx, byte[] body) {
        try {
            count(body, Integer.MAX_VALUE);
        } catch (JsonRpcException e) {
            HttpErrors.reply(ctx, 400, e.error().code(), e.getMessage());
            return;
        }
        HttpErrors.reply(ctx, 400, JsonRpcError.INVALID_REQUEST, "Invalid Request: batch on " + ctx.path()
                + " (expected: one JSON-RPC message; batches are accepted on the Streamable HTTP endpoint)");
    }

    /**
     * Top-level entries of a JSON array, counting no further than {@code stopAt}, without building a tree; malformed
     * JSON up to there is the same parse error the tree parser gives.
     */
    private static int count(byte[] body, int stopAt) {
        int entries = 0;
        try (JsonParser parser = Json.mapper().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                return 0;
            }
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY && entries < stopAt;
                 token = parser.nextToken()) {
                if (token == null) {
                    throw new JsonRpcException(JsonRpcError.PARSE_ERROR, "Parse error: the batch ends before its ]");
                }
                parser.skipChildren();
                entries++;
            }
        } catch (JacksonException e) {
            throw new JsonRpcException(JsonRpcError.PARSE_ERROR, "Parse error: " + e.getOriginalMessage());
        }
        return entries;
    }

    /**
     * The answers as they will be written, each serialized once; once their total passes the budget, each remaining
     * entry is replaced by an error that says so (and keeps its id).
     */
    List<byte[]> bounded(List<ObjectNode> answers) {
        List<byte[]> encoded = new ArrayList<>(answers.size());
        long total = 0;
        for (ObjectNode answer : answers) {
            byte[] bytes = total > limits.maxAnswerBytes() ? null : Json.bytes(answer);
            if (bytes == null || total + bytes.length > limits.maxAnswerBytes()) {
                total = limits.maxAnswerBytes() + 1L; // nothing after the first that does not fit
                bytes = Json.bytes(Message.error(answer.get("id"), new JsonRpcError(JsonRpcError.INTERNAL_ERROR,
                        "Batch answer too large: over " + limits.maxAnswerBytes() + " bytes (MAX_BATCH_RESPONSE_BYTES); "
                                + "send this request alone or in a smaller batch")).node());
            } else {
                total += bytes.length;
            }
            encoded.add(bytes);
        }
        return encoded;
    }

    /** The encoded answers as one JSON array. */
    static byte[] array(List<byte[]> encoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.stream().mapToInt(b -> b.length + 1).sum() + 1);
        out.write('[');
        for (int i = 0; i < encoded.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(encoded.get(i));
        }
        out.write(']');
        return out.toByteArray();
    }
}

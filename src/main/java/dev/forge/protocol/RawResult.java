package dev.forge.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.databind.JacksonSerializable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.jsontype.TypeSerializer;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.POJONode;

/**
 * The result of an answer the gateway only passes on: the JSON bytes the upstream sent, checked as JSON when they
 * arrived ({@link WireMessages}) but never built into a tree, and written out again as they are. It sits in the
 * answer's {@code result} field, so the envelope around it (the id) is all that is ever serialised anew.
 *
 * <p>Code that reads a result goes through {@link #materialize}, which builds the tree in place the first time.
 */
public final class RawResult implements JacksonSerializable {

    private final byte[] json;
    private final boolean toolError;

    /** @param toolError whether the result has a top-level {@code "isError": true} (a failed tool call) */
    RawResult(byte[] json, boolean toolError) {
        this.json = json;
        this.toolError = toolError;
    }

    /** The answer's result as a tree: built from the bytes (and put in their place) if it was still raw. */
    public static JsonNode materialize(ObjectNode response) {
        JsonNode result = response.get("result");
        if (result instanceof POJONode pojo && pojo.getPojo() instanceof RawResult raw) {
            result = Json.parse(raw.json);
            response.set("result", result);
        }
        return result;
    }

    /** Whether an answer is a tool's failure ({@code result.isError}), without building a raw result's tree. */
    public static boolean isToolError(ObjectNode response) {
        JsonNode result = response.get("result");
        if (result instanceof POJONode pojo && pojo.getPojo() instanceof RawResult raw) {
            return raw.toolError;
        }
        return result != null && result.path("isError").asBoolean(false);
    }

    JsonNode node() {
        return JsonNodeFactory.instance.pojoNode(this);
    }

    int length() {
        return json.length;
    }

    @Override
    public void serialize(JsonGenerator gen, SerializationContext context) {
        gen.writeRawValue(new Verbatim(json));
    }

    @Override
    public void serializeWithType(JsonGenerator gen, SerializationContext context, TypeSerializer typeSer) {
        serialize(gen, context);
    }

    @Override
    public String toString() {
        return new String(json, StandardCharsets.UTF_8);
    }

    /** JSON text to be written unquoted; generators only ever ask a raw value for its unquoted forms. */
    private record Verbatim(byte[] utf8) implements SerializableString {
        @Override
        public String getValue() {
            return new String(utf8, StandardCharsets.UTF_8);
        }

        @Override
        public int charLength() {
            return getValue().length();
        }

        @Override
        public byte[] asUnquotedUTF8() {
            return utf8;
        }

        @Override
        public int appendUnquotedUTF8(byte[] buffer, int offset) {
            if (offset + utf8.length > buffer.length) {
                return -1;
            }
            System.arraycopy(utf8, 0, buffer, offset, utf8.length);
            return utf8.length;
        }

        @Override
        public int appendUnquoted(char[] buffer, int offset) {
            String value = getValue();
            if (offset + value.length() > buffer.length) {
                return -1;
            }
            value.getChars(0, value.length(), buffer, offset);
            return value.length();
        }

        @Override
        public int writeUnquotedUTF8(OutputStream out) throws IOException {
            out.write(utf8);
            return utf8.length;
        }

        @Override
        public int putUnquotedUTF8(ByteBuffer buffer) {
            if (utf8.length > buffer.remaining()) {
                return -1;
            }
            buffer.put(utf8);
            return utf8.length;
        }

        @Override
        public char[] asQuotedChars() {
            throw quoting();
        }

        @Override
        public byte[] asQuotedUTF8() {
            throw quoting();
        }

        @Override
        public int appendQuotedUTF8(byte[] buffer, int offset) {
            throw quoting();
        }

        @Override
        public int appendQuoted(char[] buffer, int offset) {
            throw quoting();
        }

        @Override
        public int writeQuotedUTF8(OutputStream out) {
            throw quoting();
        }

        @Override
        public int putQuotedUTF8(ByteBuffer buffer) {
            throw quoting();
        }

        private static UnsupportedOperationException quoting() {
            return new UnsupportedOperationException("a raw JSON value is never written as a quoted string");
        }
    }
}

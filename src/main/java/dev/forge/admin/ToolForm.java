package dev.forge.admin;

import dev.forge.protocol.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tool's input schema as an HTML form, and a submitted form as the tool's arguments. What JSON Schema says plainly
 * gets a field of its own: a select for an {@code enum}, a checkbox for a boolean, number inputs, text, a fieldset for
 * an object's properties (to any depth worth showing), a textarea of one value a line for an array of plain values.
 * Anything else ({@code anyOf}, {@code $ref}, arrays of objects, a map) is a JSON textarea for that one field. The
 * form's {@code required} marks help the person; {@link #read} enforces them all the same.
 */
public final class ToolForm {

    /** Deeper than this, an object is edited as JSON: a form nested further helps nobody. */
    private static final int MAX_DEPTH = 6;
    /** Every field's form name starts so, and continues with its path, one {@code /} a level (JSON Pointer's escapes). */
    private static final String PREFIX = "in";

    public enum Kind { TEXT, NUMBER, INTEGER, BOOLEAN, CHOICE, OBJECT, LINES, JSON }

    /**
     * One field as the page shows it.
     *
     * @param name  the form control's name (and element id)
     * @param path  the argument as messages name it: {@code location.city}
     * @param value what the control holds: the submitted text, else the schema's default
     * @param hint  what the field expects beyond its label (the item type of a list, "JSON")
     */
    public record Field(String name, String path, String label, String description, Kind kind, boolean required,
                        List<Choice> choices, String value, List<Field> children, String hint, String error) {

        public boolean checked() {
            return "true".equals(value);
        }

        public String step() {
            return kind == Kind.INTEGER ? "1" : "any";
        }
    }

    /** An option of a select: the enum value's position (what the form sends), and the value as shown. */
    public record Choice(String value, String label, boolean selected) {}

    /**
     * A field the submitted form got wrong, and why, in words that name it.
     *
     * @param missing true when the field is required and was left empty
     */
    public record Problem(String name, String message, boolean missing) {}

    /** The arguments a form gave, or the problems that kept it from giving them. */
    public record Reading(ObjectNode arguments, List<Problem> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** One property of the schema, with what kind of field it gets. */
    private record Spec(String name, String path, String key, JsonNode schema, Kind kind, Kind itemKind, boolean required,
                        List<Spec> children) {}

    private final List<Spec> fields;
    /** True when the schema names no properties but allows some: the whole arguments object is one JSON field. */
    private final boolean takesNothing;

    private ToolForm(List<Spec> fields, boolean takesNothing) {
        this.fields = fields;
        this.takesNothing = takesNothing;
    }

    public static ToolForm of(JsonNode inputSchema) {
        JsonNode schema = inputSchema == null || !inputSchema.isObject() ? Json.object() : inputSchema;
        if (schema.path("properties").isObject() && !schema.path("properties").isEmpty()) {
            return new ToolForm(children(schema, PREFIX, "", 0), false);
        }
        boolean open = schema.has("additionalProperties") && !schema.path("additionalProperties").isBoolean()
                || schema.path("additionalProperties").asBoolean(false) || schema.has("patternProperties")
                || schema.has("anyOf") || schema.has("oneOf") || schema.has("allOf") || schema.has("$ref");
        if (!open) {
            return new ToolForm(List.of(), true);
        }
        return new ToolForm(List.of(new Spec(PREFIX, "arguments", null, schema, Kind.JSON, null, false, List.of())), false);
    }

    /** True when the tool takes no arguments at all: the form is a button. */
    public boolean takesNothing() {
        return takesNothing;
    }

    /** True when some field must be filled in. */
    public boolean anyRequired() {
        return anyRequired(fields);
    }

    private static boolean anyRequired(List<Spec> specs) {
        return specs.stream().anyMatch(s -> s.required() && s.kind() != Kind.OBJECT || anyRequired(s.children()));
    }

    /** The fields with the schema's defaults, for a first look. */
    public List<Field> fields() {
        return fields(null, Map.of());
    }

    /**
     * The fields holding what was submitted ({@code submitted} null: the schema's defaults), each with the problem
     * found in it.
     */
    public List<Field> fields(Function<String, String> submitted, Map<String, String> problems) {
        return fields.stream().map(spec -> field(spec, submitted, problems)).toList();
    }

    private static Field field(Spec spec, Function<String, String> submitted, Map<String, String> problems) {
        String value = submitted != null ? submitted.apply(spec.name()) : defaultText(spec);
        if (spec.kind() == Kind.BOOLEAN && submitted != null) {
            value = value == null ? "false" : "true";
        }
        List<Choice> choices = List.of();
        if (spec.kind() == Kind.CHOICE) {
            List<Choice> options = new ArrayList<>();
            JsonNode values = spec.schema().get("enum");
            for (int i = 0; i < values.size(); i++) {
                options.add(new Choice(Integer.toString(i), shown(values.get(i)), Integer.toString(i).equals(value)));
            }
            choices = options;
        }
        List<Field> children = spec.children().stream().map(child -> field(child, submitted, problems)).toList();
        return new Field(spec.name(), spec.path(), spec.key() == null ? "arguments" : spec.key(),
                spec.schema().path("description").asString(spec.schema().path("title").asString("")), spec.kind(),
                spec.required(), choices, value == null ? "" : value, children, hint(spec), problems.get(spec.name()));
    }

    /**
     * The arguments in a submitted form ({@code param}: a form field's value by name, null when absent). Empty fields
     * are left out; a required one left empty, a number that is none, JSON that does not parse: each is a problem
     * that names its field.
     */
    public Reading read(Function<String, String> param) {
        List<Problem> problems = new ArrayList<>();
        if (fields.size() == 1 && fields.getFirst().key() == null) { // the whole arguments object as JSON
            JsonNode whole = value(fields.getFirst(), param, problems);
            if (whole != null && !whole.isObject()) {
                problems.add(new Problem(PREFIX, "The arguments must be a JSON object.", false));
            }
            return new Reading(whole instanceof ObjectNode o ? o : Json.object(), problems);
        }
        ObjectNode arguments = Json.object();
        readInto(arguments, fields, param, problems);
        return new Reading(arguments, problems);
    }

    /** Reads fields into {@code into}; true if any of them was given. */
    private static boolean readInto(ObjectNode into, List<Spec> specs, Function<String, String> param, List<Problem> problems) {
        boolean given = false;
        for (Spec spec : specs) {
            if (spec.kind() == Kind.OBJECT) {
                ObjectNode nested = Json.object();
                List<Problem> inner = new ArrayList<>();
                boolean any = readInto(nested, spec.children(), param, inner);
                if (any || spec.required()) { // an optional object left wholly empty is left out, its required parts too
                    into.set(spec.key(), nested);
                    problems.addAll(inner);
                    given = true;
                } else {
                    inner.stream().filter(p -> !p.missing()).forEach(problems::add);
                }
                continue;
            }
            List<Problem> found = new ArrayList<>();
            JsonNode value = value(spec, param, found);
            problems.addAll(found);
            if (value == null) {
                if (spec.required() && found.isEmpty()) {
                    problems.add(new Problem(spec.name(), quoted(spec.path()) + " is required.", true));
                }
                continue;
            }
            into.set(spec.key(), value);
            given |= !(spec.kind() == Kind.BOOLEAN && !value.asBoolean()); // an unticked box gives nothing away
        }
        return given;
    }

    /** One field's value, or null when it was left empty (or is wrong: then a problem says so). */
    private static JsonNode value(Spec spec, Function<String, String> param, List<Problem> problems) {
        String raw = param.apply(spec.name());
        if (spec.kind() == Kind.BOOLEAN) {
            return JsonNodeFactory.instance.booleanNode(raw != null && !raw.equals("false"));
        }
        if (raw == null || raw.isBlank() && spec.kind() != Kind.TEXT || raw.isEmpty()) {
            return null;
        }
        String what = quoted(spec.path());
        return switch (spec.kind()) {
            case TEXT -> JsonNodeFactory.instance.stringNode(raw);
            case NUMBER, INTEGER -> scalar(spec.kind(), raw.trim(), what, problems, spec.name());
            case CHOICE -> {
                JsonNode values = spec.schema().get("enum");
                try {
                    int index = Integer.parseInt(raw.trim());
                    if (index >= 0 && index < values.size()) {
                        yield values.get(index).deepCopy();
                    }
                } catch (NumberFormatException e) {
                    // falls through to the problem
                }
                problems.add(new Problem(spec.name(), what + " must be one of the listed values.", false));
                yield null;
            }
            case LINES -> {
                ArrayNode items = Json.array();
                String[] lines = raw.split("\\R");
                for (int i = 0; i < lines.length; i++) {
                    String line = spec.itemKind() == Kind.TEXT ? lines[i] : lines[i].trim();
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode item = spec.itemKind() == Kind.BOOLEAN ? bool(line, what + ", line " + (i + 1), problems, spec.name())
                            : spec.itemKind() == Kind.TEXT ? JsonNodeFactory.instance.stringNode(line)
                            : scalar(spec.itemKind(), line, what + ", line " + (i + 1) + ",", problems, spec.name());
                    if (item != null) {
                        items.add(item);
                    }
                }
                yield items.isEmpty() ? null : items;
            }
            case JSON -> {
                try {
                    yield Json.parse(raw);
                } catch (RuntimeException e) {
                    problems.add(new Problem(spec.name(), what + " is not valid JSON: " + e.getMessage(), false));
                    yield null;
                }
            }
            default -> throw new IllegalStateException("no value for a " + spec.kind());
        };
    }

    private static JsonNode scalar(Kind kind, String text, String what, List<Problem> problems, String name) {
        try {
            if (kind == Kind.INTEGER) {
                return JsonNodeFactory.instance.numberNode(new BigInteger(text));
            }
            BigDecimal number = new BigDecimal(text);
            return number.scale() <= 0 && number.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0
                    ? JsonNodeFactory.instance.numberNode(number.longValueExact())
                    : JsonNodeFactory.instance.numberNode(number);
        } catch (NumberFormatException | ArithmeticException e) {
            problems.add(new Problem(name, what + " must be " + (kind == Kind.INTEGER ? "a whole number" : "a number")
                    + ", not '" + text + "'.", false));
            return null;
        }
    }

    private static JsonNode bool(String text, String what, List<Problem> problems, String name) {
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(text));
        }
        problems.add(new Problem(name, what + " must be true or false, not '" + text + "'.", false));
        return null;
    }

    private static List<Spec> children(JsonNode schema, String name, String path, int depth) {
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(r -> required.add(r.asString("")));
        List<Spec> specs = new ArrayList<>();
        for (var property : schema.path("properties").properties()) {
            String key = property.getKey();
            JsonNode sub = property.getValue().isObject() ? property.getValue() : Json.object();
            String childName = name + "/" + key.replace("~", "~0").replace("/", "~1");
            String childPath = path.isEmpty() ? key : path + "." + key;
            specs.add(spec(key, sub, childName, childPath, required.contains(key), depth + 1));
        }
        return specs;
    }

    private static Spec spec(String key, JsonNode schema, String name, String path, boolean required, int depth) {
        if (isChoice(schema)) {
            return new Spec(name, path, key, schema, Kind.CHOICE, null, required, List.of());
        }
        String type = type(schema);
        Kind kind = switch (type) {
            case "string" -> Kind.TEXT;
            case "number" -> Kind.NUMBER;
            case "integer" -> Kind.INTEGER;
            case "boolean" -> Kind.BOOLEAN;
            case "object" -> schema.path("properties").isObject() && !schema.path("properties").isEmpty()
                    && depth < MAX_DEPTH && !schema.has("additionalProperties") ? Kind.OBJECT : Kind.JSON;
            case "array" -> itemKind(schema.path("items")) != null ? Kind.LINES : Kind.JSON;
            default -> Kind.JSON;
        };
        if (kind == Kind.OBJECT) {
            return new Spec(name, path, key, schema, kind, null, required, children(schema, name, path, depth));
        }
        return new Spec(name, path, key, schema, kind, kind == Kind.LINES ? itemKind(schema.path("items")) : null, required,
                List.of());
    }

    /** The one type a schema names (a nullable type counts as its type), or "" when it names none or several. */
    private static String type(JsonNode schema) {
        if (schema.has("$ref") || schema.has("anyOf") || schema.has("oneOf") || schema.has("allOf")) {
            return "";
        }
        JsonNode type = schema.get("type");
        if (type == null) {
            return schema.path("properties").isObject() ? "object" : "";
        }
        if (type.isString()) {
            return type.asString();
        }
        List<String> named = new ArrayList<>();
        type.forEach(t -> {
            if (!"null".equals(t.asString(""))) {
                named.add(t.asString(""));
            }
        });
        return named.size() == 1 ? named.getFirst() : "";
    }

    /** An array's item kind when each item fits on a line: a plain string, number, integer or boolean. */
    private static Kind itemKind(JsonNode items) {
        if (!items.isObject() || isChoice(items)) {
            return isChoice(items) && items.get("enum").valueStream().allMatch(JsonNode::isString) ? Kind.TEXT : null;
        }
        return switch (type(items)) {
            case "string" -> Kind.TEXT;
            case "number" -> Kind.NUMBER;
            case "integer" -> Kind.INTEGER;
            case "boolean" -> Kind.BOOLEAN;
            default -> null;
        };
    }

    private static boolean isChoice(JsonNode schema) {
        JsonNode values = schema.get("enum");
        return values != null && values.isArray() && !values.isEmpty()
                && values.valueStream().allMatch(v -> v.isString() || v.isNumber() || v.isBoolean());
    }

    private static String defaultText(Spec spec) {
        JsonNode value = spec.schema().get("default");
        if (value == null || value.isNull()) {
            return null;
        }
        return switch (spec.kind()) {
            case CHOICE -> {
                JsonNode values = spec.schema().get("enum");
                for (int i = 0; i < values.size(); i++) {
                    if (values.get(i).equals(value)) {
                        yield Integer.toString(i);
                    }
                }
                yield null;
            }
            case LINES -> {
                List<String> lines = new ArrayList<>();
                value.forEach(v -> lines.add(v.isString() ? v.asString() : v.toString()));
                yield value.isArray() ? String.join("\n", lines) : null;
            }
            case BOOLEAN -> Boolean.toString(value.asBoolean());
            case JSON -> Json.text(value);
            default -> value.isString() ? value.asString() : value.isValueNode() ? value.toString() : null;
        };
    }

    private static String hint(Spec spec) {
        return switch (spec.kind()) {
            case LINES -> "one " + switch (spec.itemKind()) {
                case NUMBER -> "number";
                case INTEGER -> "whole number";
                case BOOLEAN -> "true or false";
                default -> "value";
            } + " a line";
            case JSON -> "JSON" + (type(spec.schema()).isEmpty() ? "" : ": " + article(type(spec.schema())));
            default -> "";
        };
    }

    private static String article(String type) {
        return (type.startsWith("a") || type.startsWith("o") || type.startsWith("i") ? "an " : "a ") + type;
    }

    private static String shown(JsonNode value) {
        return value.isString() ? value.asString() : value.toString();
    }

    private static String quoted(String path) {
        return "“" + path + "”";
    }
}

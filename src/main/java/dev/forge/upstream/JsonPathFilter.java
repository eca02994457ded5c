package dev.forge.upstream;

import dev.forge.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * The JSONPath subset REST tools use to keep part of a response: {@code $}, {@code .key}, {@code ['key']},
 * {@code [n]} and {@code [*]} (every element). {@code $.items[*].name} gives the list of names.
 */
final class JsonPathFilter {

    private final List<String> steps;
    private final String expression;

    JsonPathFilter(String expression) {
        this.expression = expression;
        this.steps = parse(expression);
    }

    JsonNode apply(JsonNode root) {
        List<JsonNode> current = List.of(root);
        boolean many = false;
        for (String step : steps) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : current) {
                if (step.equals("*")) {
                    node.forEach(next::add);
                } else if (step.startsWith("#")) {
                    JsonNode item = node.get(Integer.parseInt(step.substring(1)));
                    if (item != null) next.add(item);
                } else {
                    JsonNode item = node.get(step);
                    if (item != null) next.add(item);
                }
            }
            many |= step.equals("*");
            current = next;
        }
        if (many) {
            ArrayNode all = Json.array();
            current.forEach(all::add);
            return all;
        }
        return current.isEmpty() ? Json.mapper().nullNode() : current.getFirst();
    }

    /** Steps: a key, "#n" for an index, "*" for every element. */
    static List<String> parse(String expression) {
        String e = expression.trim();
        if (!e.startsWith("$")) {
            throw new IllegalArgumentException("'" + expression + "' (expected: a JSONPath starting with $)");
        }
        List<String> steps = new ArrayList<>();
        int i = 1;
        while (i < e.length()) {
            char c = e.charAt(i);
            if (c == '.') {
                int end = i + 1;
                while (end < e.length() && e.charAt(end) != '.' && e.charAt(end) != '[') end++;
                String key = e.substring(i + 1, end);
                if (key.isEmpty()) throw new IllegalArgumentException("'" + expression + "': empty key at " + i);
                steps.add(key.equals("*") ? "*" : key);
                i = end;
            } else if (c == '[') {
                int end = e.indexOf(']', i);
                if (end < 0) throw new IllegalArgumentException("'" + expression + "': unclosed [");
                String inside = e.substring(i + 1, end).trim();
                if (inside.equals("*")) {
                    steps.add("*");
                } else if (inside.startsWith("'") && inside.endsWith("'") && inside.length() >= 2) {
                    steps.add(inside.substring(1, inside.length() - 1));
                } else {
                    try {
                        steps.add("#" + Integer.parseInt(inside));
                    } catch (NumberFormatException ex) {
                        throw new IllegalArgumentException("'" + expression + "': [" + inside + "] (expected: an index, * or 'key')");
                    }
                }
                i = end + 1;
            } else {
                throw new IllegalArgumentException("'" + expression + "': unexpected '" + c + "' at " + i);
            }
        }
        return steps;
    }

    @Override
    public String toString() {
        return expression;
    }
}

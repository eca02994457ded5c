package dev.forge.router;

import dev.forge.protocol.Json;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/** The definitions (names, descriptions, input schemas) of the router's meta-tools, as clients list them. */
final class MetaToolDefinitions {

    private MetaToolDefinitions() {}

    static List<ObjectNode> all() {
        return List.of(
                tool("search_tools", "Find the tools that fit a task, described in plain words. Returns the best tools "
                                + "with their descriptions, best first; then use describe_tool and call_tool.",
                        """
                        {"type":"object","properties":{"query":{"type":"string","description":"What you want to do, in words"},
                         "limit":{"type":"integer","minimum":1,"maximum":50,"default":5,"description":"How many tools to return"}},
                         "required":["query"]}""", true),
                tool("describe_tool", "Get the full definition of one tool (its input schema above all) before calling it.",
                        """
                        {"type":"object","properties":{"name":{"type":"string","description":"The tool's name as search_tools gave it"}},
                         "required":["name"]}""", true),
                tool("call_tool", "Call any tool by name with its arguments, exactly as if it were listed here.",
                        """
                        {"type":"object","properties":{"name":{"type":"string","description":"The tool's name"},
                         "arguments":{"type":"object","description":"The tool's arguments, as its input schema describes them"}},
                         "required":["name"]}""", false),
                tool("execute_task", "Do a task in one step: the best tool is picked and, when it takes a single free-text "
                                + "argument, called with the task; otherwise the best candidates and their schemas are returned.",
                        """
                        {"type":"object","properties":{"task":{"type":"string","description":"What to do, in words"},
                         "context":{"type":"string","description":"Anything that helps pick the tool"}},
                         "required":["task"]}""", false),
                tool("record_feedback", "Say whether a tool the router proposed did the job; later rankings take it into account.",
                        """
                        {"type":"object","properties":{"tool":{"type":"string","description":"The tool's name"},
                         "task":{"type":"string","description":"The task it was used for"},
                         "success":{"type":"boolean","description":"Whether it did the job"}},
                         "required":["tool","task","success"]}""", false));
    }

    private static ObjectNode tool(String name, String description, String schema, boolean readOnly) {
        ObjectNode tool = Json.object();
        tool.put("name", name);
        tool.put("description", description);
        tool.set("inputSchema", Json.parse(schema));
        tool.putObject("annotations").put("readOnlyHint", readOnly);
        return tool;
    }
}

package dev.forge.upstream;

import dev.forge.config.UpstreamConfig;
import dev.forge.config.UpstreamLimits;
import dev.forge.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fetches what an upstream offers (tools, resources, templates, prompts), following its cursors page by page within
 * the budgets: an upstream that offers too much, or pages without end, broke the protocol.
 */
final class ListDiscovery {

    private static final int MAX_LIST_PAGES = 1000;

    private final UpstreamConfig config;
    private final UpstreamLimits limits;
    private final SharedConnection shared;

    /** @param shared whose capabilities say which lists the upstream has */
    ListDiscovery(UpstreamConfig config, UpstreamLimits limits, SharedConnection shared) {
        this.config = config;
        this.limits = limits;
        this.shared = shared;
    }

    /** Every list the upstream declared a capability for, as it is now. */
    UpstreamLists discover(UpstreamClient c) {
        ObjectNode capabilities = shared.capabilities();
        List<ObjectNode> tools = capabilities.has("tools") ? listAll(c, "tools/list", "tools") : List.of();
        List<ObjectNode> resources = capabilities.has("resources") ? listAll(c, "resources/list", "resources") : List.of();
        List<ObjectNode> templates = capabilities.has("resources") ? listAll(c, "resources/templates/list", "resourceTemplates") : List.of();
        List<ObjectNode> prompts = capabilities.has("prompts") ? listAll(c, "prompts/list", "prompts") : List.of();
        return new UpstreamLists(tools, resources, templates, prompts, capabilities.has("completions"));
    }

    /** Follows {@code nextCursor} to the end; a page limit guards against an upstream that cycles. */
    List<ObjectNode> listAll(UpstreamClient c, String method, String key) {
        List<ObjectNode> all = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < MAX_LIST_PAGES; page++) {
            ObjectNode params = Json.object();
            if (cursor != null) {
                params.put("cursor", cursor);
            }
            ObjectNode result;
            try {
                result = CallOutcome.result(config.name(), c.call(method, params, config.timeout()), method);
            } catch (UpstreamException e) {
                if (method.equals("resources/templates/list")) {
                    return all; // optional for servers with resources; some do not implement it
                }
                throw e;
            }
            for (JsonNode item : result.path(key)) {
                if (item instanceof ObjectNode o && o.hasNonNull(identifyingField(key))) {
                    if (all.size() == limits.maxListItems()) { // stop pulling: a budget counted across pages
                        throw new UpstreamException(config.name(), UpstreamException.Kind.PROTOCOL_ERROR, method + " offered more than "
                                + limits.maxListItems() + " items (expected: at most " + limits.maxListItems() + "; MAX_UPSTREAM_LIST_ITEMS)");
                    }
                    all.add(o);
                }
            }
            cursor = result.path("nextCursor").asString(null);
            if (cursor == null || cursor.isEmpty()) {
                return all;
            }
        }
        throw new UpstreamException(config.name(), UpstreamException.Kind.PROTOCOL_ERROR, method + " returned more than " + MAX_LIST_PAGES + " pages");
    }

    /** The field an item of a list must have to be routable; items without it are dropped. */
    private static String identifyingField(String listKey) {
        return switch (listKey) {
            case "resources" -> "uri";
            case "resourceTemplates" -> "uriTemplate";
            default -> "name";
        };
    }
}

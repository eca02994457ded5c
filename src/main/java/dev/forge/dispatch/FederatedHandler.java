package dev.forge.dispatch;

import dev.forge.auth.ToolAccess;
import dev.forge.catalog.Catalog;
import dev.forge.catalog.CatalogView;
import dev.forge.catalog.Federation;
import dev.forge.catalog.Route;
import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.JsonRpcException;
import dev.forge.protocol.Message;
import dev.forge.protocol.ProtocolVersions;
import dev.forge.session.ClientSession;
import dev.forge.session.InFlight;
import dev.forge.upstream.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Serves MCP from the federated catalog: lists are answered from the snapshot; calls are routed to the owning
 * upstream with the name it knows, and its answer is passed back untouched but for the id. A {@code tools/call}
 * arrives with its route already resolved ({@link Routing}); whether the session may make it is {@link ToolAccess}'s
 * answer, here and for the calls a meta-tool makes.
 */
public final class FederatedHandler implements RoutedHandler {

    /** tools/call params that must be objects: an upstream answers anything else with its validator's dump. */
    private static final String[] OBJECT_PARAMS = {"arguments", "task"};
    /** The longest a list request waits for an upstream's lists being fetched again. */
    private static final java.time.Duration REFRESH_WAIT = java.time.Duration.ofSeconds(5);

    private final Federation federation;
    private final Pages pages;
    private final String version;
    private final ResourceSubscriptions subscriptions = new ResourceSubscriptions();
    private final TaskRoutes tasks;
    private final MetaTools metaTools;

    public FederatedHandler(Federation federation, TaskRoutes tasks, int pageSize, String version) {
        this(federation, tasks, pageSize, version, MetaTools.NONE);
    }

    public FederatedHandler(Federation federation, TaskRoutes tasks, int pageSize, String version, MetaTools metaTools) {
        this.metaTools = metaTools;
        this.federation = federation;
        this.tasks = tasks;
        this.pages = new Pages(pageSize);
        this.version = version;
    }

    @Override
    public CompletableFuture<ObjectNode> handle(ClientSession session, InFlight inFlight, Message.Request request,
                                                ToolRoute tool) {
        SessionCaller caller = new SessionCaller(session, inFlight);
        try {
            JsonNode meta = request.params().get("_meta");
            if (meta != null && !meta.isObject()) { // an upstream may never answer a request it cannot read
                throw new JsonRpcException(JsonRpcError.INVALID_PARAMS, "Invalid params: _meta is " + meta.getNodeType()
                        + " (expected: an object)");
            }
            return switch (request.method()) {
                case "tools/call" -> callTool(caller, request, tool);
                case "initialize" -> answered(request, initialize(session, request.params()));
                case "ping" -> answered(request, Json.object());
                case "tools/list" -> afterRefreshes(session, request, () -> pages.page(visibleTools(session), "tools", request.params().get("cursor")));
                case "prompts/list" -> afterRefreshes(session, request, () -> pages.page(view(session).prompts(), "prompts", request.params().get("cursor")));
                case "resources/list" -> afterRefreshes(session, request, () -> pages.page(view(session).resources(), "resources", request.params().get("cursor")));
                case "resources/templates/list" -> afterRefreshes(session, request,
                        () -> pages.page(view(session).resourceTemplates(), "resourceTemplates", request.params().get("cursor")));
                case "prompts/get" -> getPrompt(caller, request);
                case "resources/read" -> forward(resourceOwner(session, request), request, caller);
                case "resources/subscribe", "resources/unsubscribe" -> subscription(caller, request);
                case "completion/complete" -> complete(caller, request);
                case "logging/setLevel" -> setLevel(caller, request);
                case "tasks/get", "tasks/result", "tasks/cancel" -> byTask(caller, request);
                case "tasks/list" -> listTasks(caller, request);
                default -> throw new JsonRpcException(JsonRpcError.METHOD_NOT_FOUND, "Method not found: " + request.method());
            };
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Message.error(request.id(), Failures.toError(e)).node());
        }
    }

    /**
     * Answers a list request from the catalog once the endpoint's upstreams have fetched again what they said changed
     * (waiting at most {@link #REFRESH_WAIT}): a client may hear of a change from one replica and ask another.
     */
    private CompletableFuture<ObjectNode> afterRefreshes(ClientSession session, Message.Request request,
                                                         java.util.function.Supplier<ObjectNode> page) {
        List<CompletableFuture<Void>> refreshing = null;
        for (Upstream upstream : view(session).upstreams()) {
            CompletableFuture<Void> settled = upstream.listsSettled();
            if (!settled.isDone()) {
                refreshing = refreshing == null ? new ArrayList<>() : refreshing;
                refreshing.add(settled);
            }
        }
        if (refreshing == null) {
            return answered(request, page.get());
        }
        return CompletableFuture.allOf(refreshing.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, REFRESH_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .handle((done, failed) -> {
                    try {
                        return Message.result(request.id(), page.get()).node();
                    } catch (RuntimeException e) {
                        return Message.error(request.id(), Failures.toError(e)).node();
                    }
                });
    }

    private CatalogView view(ClientSession session) {
        Catalog catalog = federation.catalog();
        CatalogView view = catalog.view(session.scope());
        if (view == null) {
            throw endpointGone(session.scope());
        }
        return view;
    }

    private static JsonRpcException endpointGone(String scope) {
        return new JsonRpcException(JsonRpcError.INVALID_REQUEST, "This endpoint no longer exists: " + scope);
    }

    /**
     * The endpoint's tools, less those the session's token may not call: a client never sees what it cannot use. The
     * guard let the token reach this endpoint, so only a tool-limited token can be refused any of them.
     */
    private List<ObjectNode> visibleTools(ClientSession session) {
        CatalogView view = view(session);
        if (!session.principal().toolLimited()) {
            return view.tools();
        }
        return view.tools().stream().filter(tool -> {
            Route route = view.tool(tool.path("name").asString(""));
            return route != null && ToolAccess.allows(session.principal(), session.scope(), route.upstream().name(),
                    route.upstream().name() + federation.separator() + route.upstreamName());
        }).toList();
    }

    private ObjectNode initialize(ClientSession session, ObjectNode params) {
        String requested = params.path("protocolVersion").asString(null);
        if (requested == null) {
            throw new JsonRpcException(JsonRpcError.INVALID_PARAMS, "Invalid params: initialize needs protocolVersion");
        }
        String agreed = ProtocolVersions.negotiate(requested);
        session.negotiated(agreed, params.get("capabilities") instanceof ObjectNode c ? c : Json.object(),
                params.get("clientInfo") instanceof ObjectNode i ? i : Json.object());
        ObjectNode result = Json.object();
        result.put("protocolVersion", agreed);
        ObjectNode capabilities = result.putObject("capabilities");
        capabilities.putObject("tools").put("listChanged", true);
        capabilities.putObject("prompts").put("listChanged", true);
        capabilities.putObject("resources").put("listChanged", true);
        capabilities.putObject("completions");
        capabilities.putObject("logging");
        if (view(session).upstreams().stream().anyMatch(Upstream::supportsTasks)) {
            ObjectNode taskCapability = capabilities.putObject("tasks");
            taskCapability.putObject("list");
            taskCapability.putObject("cancel");
            taskCapability.putObject("requests").putObject("tools").putObject("call");
        }
        ObjectNode info = result.putObject("serverInfo");
        info.put("name", "forge");
        info.put("title", "Forge MCP Gateway");
        info.put("version", version);
        return result;
    }

    /** A direct call: routed in the session's endpoint (by {@link Routing}, before the decorators). */
    private CompletableFuture<ObjectNode> callTool(SessionCaller caller, Message.Request request, ToolRoute tool) {
        if (tool.view() == null) {
            throw endpointGone(tool.scope());
        }
        return call(caller, request, tool, true);
    }

    /**
     * A call made through a meta-tool: routed in the all-upstreams view, allowed when the session's token could
     * have called the tool directly (an endpoint that shows it, and the tool itself).
     */
    private CompletableFuture<ObjectNode> callThroughMeta(SessionCaller caller, Message.Request request) {
        return call(caller, request, ToolRoute.resolve(federation.catalog(), Catalog.ALL,
                request.params().path("name").asString(null), federation.separator()), false);
    }

    private CompletableFuture<ObjectNode> call(SessionCaller caller, Message.Request request, ToolRoute tool, boolean metaAllowed) {
        ObjectNode params = request.params();
        String name = tool.requested();
        if (name == null) {
            throw new JsonRpcException(JsonRpcError.INVALID_PARAMS, "Invalid params: tools/call needs a tool name");
        }
        for (String field : OBJECT_PARAMS) {
            JsonNode value = params.get(field);
            if (value != null && !value.isObject() && !value.isNull()) {
                throw new JsonRpcException(JsonRpcError.INVALID_PARAMS, "Invalid params: " + field + " is "
                        + value.getNodeType() + " (expected: an object)");
            }
        }
        Route route = tool.route();
        boolean meta = route != null && route.upstream().name().equals(metaTools.upstream());
        if (route == null || (meta && !metaAllowed)) {
            throw new JsonRpcException(JsonRpcError.INVALID_PARAMS, "Unknown tool: " + name);
        }
        // meta-tools too: a tool-limited token calls one only if it names it, as it sees one only if it names it
        ToolAccess.check(caller.session().principal(), tool.scope(), route.upstream().name(), tool.namespaced(), name);
        if (meta) {
            return metaTools.call(caller.session(), request, route.upstreamName(), call -> {
                try {
                    return callThroughMeta(caller, call);
                } catch (RuntimeException e) {
                    return CompletableFuture.completedFuture(Message.error(call.id(), Failures.toError(e)).node());
                }
            });
        }
        params.put("name", route.upstreamName());
        if (!params.has("task")) {
            // a direct call's answer goes to its client as it came (but for the id); a meta-tool reads what it gets
            return forward(route.upstream(), request, caller, metaAllowed);
        }
        // a call run as a task: remember who runs it and who may see it
        return forward(route.upstream(), request, caller).thenApply(message -> {
            String taskId = message.path("result").path("task").path("taskId").asString(null);
            if (taskId != null) {
                tasks.created(taskId, route.upstream(), caller.sessionId());
            }
            return message;
        });
    }

    private CompletableFuture<ObjectNode> byTask(SessionCaller caller, Message.Request request) {
        String taskId = request.params().path("taskId").asString(null);
        Upstream owner = tasks.find(taskId, caller.sessionId());
        if (owner == null) {
            throw new JsonRpcException(JsonRpcError.INVALID_PARAMS, "Unknown task: " + taskId);
        }
        return forward(owner, request, caller);
    }

    /** The tasks of this client, from every upstream behind the endpoint that runs tasks. */
    private CompletableFuture<ObjectNode> listTasks(SessionCaller caller, Message.Request request) {
        JsonNode id = request.id();
        List<CompletableFuture<ObjectNode>> lists = view(caller.session()).upstreams().stream()
                .filter(Upstream::supportsTasks)
                .map(u -> u.forward(Message.request(Json.mapper().nullNode(), "tasks/list", Json.object()).node(), caller)
                        .exceptionally(e -> Json.object()))
                .toList();
        return CompletableFuture.allOf(lists.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            ObjectNode result = Json.object();
            var merged = result.putArray("tasks");
            for (CompletableFuture<ObjectNode> list : lists) {
                for (JsonNode task : list.join().path("result").path("tasks")) {
                    if (tasks.ownedBy(task.path("taskId").asString(""), caller.sessionId())) {
                        merged.add(task);
                    }
                }
            }
            return Message.result(id, result).node();
        });
    }

    private CompletableFuture<ObjectNode> getPrompt(SessionCaller caller, Message.Request request) {
        ObjectNode params = request.params();
        String name = params.path("name").asString(null);
        Route route = name == null ? null : view(caller.session()).prompt(name);
        if (route == null) {
            throw new JsonRpcException(JsonRpcError.INVALID_PARAMS, "Unknown prompt: " + name);
        }
        params.put("name", route.upstreamName());
        return forward(route.upstream(), request, caller);
    }

    /**
     * Subscriptions are remembered per client (for {@code notifications/resources/updated}); a shared upstream
     * session hears subscribe from the first client and unsubscribe from the last.
     */
    private CompletableFuture<ObjectNode> subscription(SessionCaller caller, Message.Request request) {
        Upstream owner = resourceOwner(caller.session(), request);
        String uri = request.params().get("uri").asString();
        boolean subscribe = request.method().equals("resources/subscribe");
        boolean changed = subscribe ? caller.session().subscriptions().add(uri) : caller.session().subscriptions().remove(uri);
        boolean shared = owner.config().sessionMode() == dev.forge.config.SessionMode.SHARED;
        String key = owner.name() + " " + uri;
        boolean tellUpstream = !shared || (changed && (subscribe ? subscriptions.add(key) : subscriptions.remove(key)));
        if (!tellUpstream) {
            return answered(request, Json.object());
        }
        return forward(owner, request, caller);
    }

    private Upstream resourceOwner(ClientSession session, Message.Request request) {
        String uri = request.params().path("uri").asString(null);
        if (uri == null) {
            throw new JsonRpcException(JsonRpcError.INVALID_PARAMS, "Invalid params: " + request.method() + " needs a uri");
        }
        Upstream owner = view(session).resourceOwner(uri);
        if (owner == null) {
            ObjectNode data = Json.object();
            data.put("uri", uri);
            throw new JsonRpcException(JsonRpcError.RESOURCE_NOT_FOUND, "Resource not found: " + uri, data);
        }
        return owner;
    }

    private CompletableFuture<ObjectNode> complete(SessionCaller caller, Message.Request request) {
        JsonNode ref = request.params().path("ref");
        String type = ref.path("type").asString("");
        CatalogView view = view(caller.session());
        switch (type) {
            case "ref/prompt" -> {
                String name = ref.path("name").asString(null);
                Route route = name == null ? null : view.prompt(name);
                if (route == null) {
                    throw new JsonRpcException(JsonRpcError.INVALID_PARAMS, "Unknown prompt: " + name);
                }
                ((ObjectNode) ref).put("name", route.upstreamName());
                return forward(route.upstream(), request, caller);
            }
            case "ref/resource" -> {
                String uri = ref.path("uri").asString(null);
                Upstream owner = uri == null ? null : view.resourceOwner(uri);
                if (owner == null) {
                    throw new JsonRpcException(JsonRpcError.INVALID_PARAMS, "Unknown resource template: " + uri);
                }
                return forward(owner, request, caller);
            }
            default -> throw new JsonRpcException(JsonRpcError.INVALID_PARAMS,
                    "Invalid params: ref.type '" + type + "' (expected: ref/prompt | ref/resource)");
        }
    }

    /** Applies the level to every upstream behind this endpoint that logs; answers once all have. */
    private CompletableFuture<ObjectNode> setLevel(SessionCaller caller, Message.Request request) {
        String level = request.params().path("level").asString(null);
        if (level == null) {
            throw new JsonRpcException(JsonRpcError.INVALID_PARAMS, "Invalid params: logging/setLevel needs a level");
        }
        caller.session().logLevel(level); // what modern upstreams are told with each request of this client
        CompletableFuture<?>[] sent = view(caller.session()).upstreams().stream()
                .map(u -> u.forward(request.node().deepCopy(), caller).exceptionally(e -> null))
                .toArray(CompletableFuture[]::new);
        JsonNode id = request.id();
        return CompletableFuture.allOf(sent).thenApply(ignored -> Message.result(id, Json.object()).node());
    }

    private static CompletableFuture<ObjectNode> forward(Upstream upstream, Message.Request request, SessionCaller caller) {
        return forward(upstream, request, caller, false);
    }

    /** {@code asIs}: the answer's result is only passed on, and may stay the bytes the upstream sent. */
    private static CompletableFuture<ObjectNode> forward(Upstream upstream, Message.Request request, SessionCaller caller, boolean asIs) {
        JsonNode clientId = request.id();
        CompletableFuture<ObjectNode> answer = asIs ? upstream.passOn(request.node(), caller) : upstream.forward(request.node(), caller);
        return answer.handle((response, failure) -> {
            if (failure != null) {
                return Message.error(clientId, Failures.toError(failure, upstream.name(), upstream.config().timeout())).node();
            }
            response.set("id", clientId);
            return response;
        });
    }

    private static CompletableFuture<ObjectNode> answered(Message.Request request, ObjectNode result) {
        return CompletableFuture.completedFuture(Message.result(request.id(), result).node());
    }
}

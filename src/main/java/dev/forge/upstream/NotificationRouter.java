package dev.forge.upstream;

import dev.forge.protocol.Message;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where a notification an upstream sends goes: a list change to a refresh, progress to the client whose token it
 * carries, resource updates and task status to whoever subscribed, a cancellation to the client the upstream had
 * asked, and anything else to the client the upstream is most likely working for.
 */
final class NotificationRouter {

    // one logger for the whole upstream: its story reads (and is filtered) under one name
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);

    private final String name;
    private final SharedConnection shared;
    private final UpstreamStatus status;
    private final ListRefresh refresh;
    private final ProgressTokens progress;
    private final Consumer<ObjectNode> routedByContent;

    /** @param routedByContent takes notifications whose recipients follow from their content (subscriptions, tasks) */
    NotificationRouter(String name, SharedConnection shared, UpstreamStatus status, ListRefresh refresh,
                       ProgressTokens progress, Consumer<ObjectNode> routedByContent) {
        this.name = name;
        this.shared = shared;
        this.status = status;
        this.refresh = refresh;
        this.progress = progress;
        this.routedByContent = routedByContent;
    }

    /** @param related the client of the call whose stream carried it, or null when the transport cannot tell */
    void route(Message.Notification notification, UpstreamClient from, Caller related) {
        String method = notification.method();
        switch (method) {
            case "notifications/tools/list_changed", "notifications/prompts/list_changed", "notifications/resources/list_changed" -> {
                // only the shared connection's lists are the catalog's
                if (from == shared.current() && status.state() == UpstreamState.READY) {
                    refresh.changed(method, from);
                }
            }
            case "notifications/progress" -> {
                ObjectNode params = notification.params();
                ProgressTokens.Registration registration = progress.lookup(params.path("progressToken").asString(""));
                if (registration != null) {
                    params.set("progressToken", registration.clientToken());
                    registration.caller().relay(notification.node());
                }
            }
            case "notifications/resources/updated", "notifications/tasks/status" -> routedByContent.accept(notification.node());
            case "notifications/cancelled" -> {
                if (!from.withdrawn(notification.params().get("requestId"))) {
                    LOG.debug("upstream {}: cancelled a request no client is answering", name);
                }
            }
            default -> {
                Caller caller = related != null ? related : from.attributedCaller();
                if (caller != null) {
                    caller.relay(notification.node());
                } else {
                    LOG.debug("upstream {}: {} with no client to deliver it to", name, method);
                }
            }
        }
    }
}

package dev.forge.dispatch;

import dev.forge.session.ClientSession;
import dev.forge.session.SessionStore;
import dev.forge.upstream.Upstream;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tasks (MCP 2025-11-25) created through the gateway: which upstream runs each and which client session may see
 * it. {@code tasks/*} requests are routed by it, and {@code notifications/tasks/status} reaches only the owner.
 */
public final class TaskRoutes implements Consumer<ObjectNode> {

    private static final Logger LOG = LoggerFactory.getLogger(TaskRoutes.class);
    /** Tasks remembered at once; beyond this the oldest are forgotten (their owners can no longer reach them). */
    static final int CAPACITY = 10_000;

    record Owner(Upstream upstream, String sessionId) {}

    private final Map<String, Owner> tasks = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Owner> eldest) {
            return size() > CAPACITY;
        }
    });
    private final SessionStore sessions;

    public TaskRoutes(SessionStore sessions) {
        this.sessions = sessions;
        sessions.onClose(session -> {
            synchronized (tasks) {
                tasks.values().removeIf(owner -> owner.sessionId().equals(session.id()));
            }
        });
    }

    void created(String taskId, Upstream upstream, String sessionId) {
        Owner previous = tasks.put(taskId, new Owner(upstream, sessionId));
        if (previous != null && previous.upstream() != upstream) {
            LOG.warn("task id {} reused by upstream {} (was {}); routing to the newer", taskId, upstream.name(), previous.upstream().name());
        }
    }

    /** The upstream running a task this session created, or null. */
    Upstream find(String taskId, String sessionId) {
        Owner owner = taskId == null ? null : tasks.get(taskId);
        return owner != null && owner.sessionId().equals(sessionId) ? owner.upstream() : null;
    }

    boolean ownedBy(String taskId, String sessionId) {
        Owner owner = tasks.get(taskId);
        return owner != null && owner.sessionId().equals(sessionId);
    }

    /** A status notification from an upstream: delivered to the session that owns the task. */
    @Override
    public void accept(ObjectNode notification) {
        if (!"notifications/tasks/status".equals(notification.path("method").asString(""))) {
            return;
        }
        Owner owner = tasks.get(notification.path("params").path("taskId").asString(""));
        ClientSession session = owner == null ? null : sessions.find(owner.sessionId());
        if (session != null) {
            session.send(notification);
        }
    }
}

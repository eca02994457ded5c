package dev.forge.services;

import tools.jackson.databind.JsonNode;

/**
 * What may be asked of a service manager, in the shapes of its API: the manager in this process answers directly
 * ({@link ServicesApi}), one elsewhere through its {@code /services} API ({@link RemoteServices}). The console reads
 * and acts through this, so a change made there is the change the API makes.
 */
public interface ServiceControl {

    /** The lifecycle actions of {@code POST /services/{name}/ACTION}. */
    java.util.List<String> ACTIONS = java.util.List.of("start", "stop", "restart", "sleep", "wake");

    /** An answer as the API gives it: its status and body ({@code {"error", "message"}} when it was refused). */
    record Answer(int status, JsonNode body) {

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** What was wrong, when it was refused. */
        public String message() {
            return body.path("message").asString("the service manager answered HTTP " + status);
        }
    }

    /** {@code GET /services}: every service, by name. */
    Answer list();

    /** {@code GET /services/{name}}. */
    Answer describe(String name);

    /** {@code POST /services/{name}/{action}}, asked by {@code subject}. */
    Answer act(String name, String action, String subject);

    /** {@code GET /services/{name}/logs?after=&lines=}: its log lines after number {@code after}, at most {@code limit}. */
    Answer logs(String name, long after, int limit);

    /** Where the manager is, for a page to say so: null when it runs in this process. */
    default String location() {
        return null;
    }
}

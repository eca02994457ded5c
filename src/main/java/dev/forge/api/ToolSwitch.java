package dev.forge.api;

import dev.forge.catalog.Catalog;
import dev.forge.catalog.Federation;
import dev.forge.registry.RegistryException;
import dev.forge.store.ToolStateRepository;

/**
 * Turns a tool on or off everywhere at once (clients hear {@code list_changed}), kept across restarts: the one way
 * to do it, for {@code POST /tools/{name}/state} and the console alike.
 */
public final class ToolSwitch {

    private final Federation federation;
    private final ToolStateRepository toolStates;

    public ToolSwitch(Federation federation, ToolStateRepository toolStates) {
        this.federation = federation;
        this.toolStates = toolStates;
    }

    /** Enables or disables the tool of this name (as the all-upstreams endpoint names it); 404 if there is none. */
    public void set(String name, boolean enabled) {
        requireKnown(name);
        toolStates.set(name, enabled);
        federation.setDisabledTools(toolStates.disabled());
    }

    /** Refuses (404) a name that is no tool, enabled or not. */
    public void requireKnown(String name) {
        boolean known = federation.catalog().view(Catalog.ALL).tool(name) != null
                || federation.catalog().disabledTools().stream().anyMatch(t -> name.equals(t.path("name").asString(null)));
        if (!known) {
            throw new RegistryException(404, "No tool '" + name + "'");
        }
    }
}

package dev.forge.store;

import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/** Which federated tools operators disabled, by namespaced name. */
public final class ToolStateRepository {

    private final Jdbi jdbi;
    private final Clock clock;

    public ToolStateRepository(Database database, Clock clock) {
        this.jdbi = database.jdbi();
        this.clock = clock;
    }

    public Set<String> disabled() {
        return new HashSet<>(jdbi.withHandle(h -> h.createQuery("SELECT name FROM tool_states WHERE enabled = :off")
                .bind("off", false).mapTo(String.class).list()));
    }

    /** Records a tool's state; one transaction, portable across both databases (delete, then insert). */
    public void set(String name, boolean enabled) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM tool_states WHERE name = :name").bind("name", name).execute();
            h.createUpdate("INSERT INTO tool_states (name, enabled, updated_at) VALUES (:name, :enabled, :at)")
                    .bind("name", name).bind("enabled", enabled).bind("at", clock.instant().toString()).execute();
        });
    }
}

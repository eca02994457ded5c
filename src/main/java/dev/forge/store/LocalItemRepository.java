package dev.forge.store;

import dev.forge.protocol.Json;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import tools.jackson.databind.node.ObjectNode;

/** Prompts (by name) and resources (by URI) defined in Forge itself. */
public final class LocalItemRepository {

    /** What a local item is. */
    public enum Kind { PROMPT, RESOURCE }

    private final Jdbi jdbi;
    private final Clock clock;

    public LocalItemRepository(Database database, Clock clock) {
        this.jdbi = database.jdbi();
        this.clock = clock;
    }

    /** The stored definitions; a row whose spec is not a JSON object is left out (see {@link #unreadable}). */
    public List<ObjectNode> list(Kind kind) {
        return jdbi.withHandle(h -> h.createQuery("SELECT spec FROM local_items WHERE kind = :kind ORDER BY created_at, key_name")
                .bind("kind", kind.name()).map((rs, ctx) -> object(rs.getString("spec"))).list())
                .stream().filter(java.util.Objects::nonNull).toList();
    }

    /** Rows of this kind whose spec is not a JSON object (edited by hand), by key. */
    public List<String> unreadable(Kind kind) {
        return jdbi.withHandle(h -> h.createQuery("SELECT key_name, spec FROM local_items WHERE kind = :kind ORDER BY created_at, key_name")
                .bind("kind", kind.name()).map((rs, ctx) -> object(rs.getString("spec")) == null ? rs.getString("key_name") : null)
                .list()).stream().filter(java.util.Objects::nonNull).toList();
    }

    private static ObjectNode object(String text) {
        try {
            return Json.parse(text) instanceof ObjectNode spec ? spec : null;
        } catch (dev.forge.protocol.JsonRpcException e) {
            return null;
        }
    }

    public void insert(Kind kind, String key, ObjectNode spec) {
        try {
            jdbi.useTransaction(h -> h.createUpdate("INSERT INTO local_items (id, kind, key_name, spec, created_at) "
                            + "VALUES (:id, :kind, :key, :spec, :at)")
                    .bind("id", UUID.randomUUID().toString()).bind("kind", kind.name()).bind("key", key)
                    .bind("spec", Json.text(spec)).bind("at", clock.instant().toString()).execute());
        } catch (UnableToExecuteStatementException e) {
            throw Constraints.duplicateOr(e, "a local " + kind.name().toLowerCase() + " '" + key + "' already exists");
        }
    }

    public boolean delete(Kind kind, String key) {
        return jdbi.inTransaction(h -> h.createUpdate("DELETE FROM local_items WHERE kind = :kind AND key_name = :key")
                .bind("kind", kind.name()).bind("key", key).execute()) > 0;
    }
}

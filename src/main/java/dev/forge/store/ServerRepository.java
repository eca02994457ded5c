package dev.forge.store;

import dev.forge.protocol.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Virtual servers in the database. Every write is one statement in its own transaction. */
public final class ServerRepository {

    private static final String COLUMNS = "id, name, description, members, created_at, updated_at";

    private final Jdbi jdbi;
    private final Clock clock;

    public ServerRepository(Database database, Clock clock) {
        this.jdbi = database.jdbi();
        this.clock = clock;
    }

    public List<ServerRecord> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM servers ORDER BY created_at, name")
                .map(ServerRepository::map).list());
    }

    public Optional<ServerRecord> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM servers WHERE id = :id")
                .bind("id", id).map(ServerRepository::map).findOne());
    }

    public Optional<ServerRecord> findByName(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM servers WHERE name = :name")
                .bind("name", name).map(ServerRepository::map).findOne());
    }

    public ServerRecord insert(String name, String description, List<String> tools, List<String> resources, List<String> prompts) {
        Instant now = clock.instant();
        ServerRecord record = new ServerRecord(UUID.randomUUID().toString(), name, description, tools, resources, prompts, now, now);
        try {
            jdbi.useTransaction(h -> h.createUpdate("INSERT INTO servers (" + COLUMNS + ") VALUES "
                            + "(:id, :name, :description, :members, :created, :updated)")
                    .bind("id", record.id()).bind("name", name).bind("description", description)
                    .bind("members", members(tools, resources, prompts))
                    .bind("created", now.toString()).bind("updated", now.toString()).execute());
        } catch (UnableToExecuteStatementException e) {
            throw Constraints.duplicateOr(e, "a server named '" + name + "' already exists");
        }
        return record;
    }

    public Optional<ServerRecord> update(String id, String name, String description, List<String> tools,
                                         List<String> resources, List<String> prompts) {
        int changed;
        try {
            changed = jdbi.inTransaction(h -> h.createUpdate("UPDATE servers SET name = :name, description = :description, "
                            + "members = :members, updated_at = :updated WHERE id = :id")
                    .bind("id", id).bind("name", name).bind("description", description)
                    .bind("members", members(tools, resources, prompts)).bind("updated", clock.instant().toString())
                    .execute());
        } catch (UnableToExecuteStatementException e) {
            throw Constraints.duplicateOr(e, "a server named '" + name + "' already exists");
        }
        return changed == 0 ? Optional.empty() : find(id);
    }

    public boolean delete(String id) {
        return jdbi.inTransaction(h -> h.createUpdate("DELETE FROM servers WHERE id = :id").bind("id", id).execute()) > 0;
    }

    private static String members(List<String> tools, List<String> resources, List<String> prompts) {
        ObjectNode members = Json.object();
        tools.forEach(members.putArray("tools")::add);
        resources.forEach(members.putArray("resources")::add);
        prompts.forEach(members.putArray("prompts")::add);
        return Json.text(members);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asString()));
        return values;
    }

    private static ServerRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
        List<List<String>> members = List.of(List.of(), List.of(), List.of());
        String unreadable = null;
        try { // one row edited by hand must not hide the others
            JsonNode stored = Json.parse(rs.getString("members"));
            members = List.of(strings(stored.path("tools")), strings(stored.path("resources")), strings(stored.path("prompts")));
        } catch (RuntimeException e) {
            unreadable = "members: not readable (expected: JSON lists of the server's tools, resources and prompts)";
        }
        return new ServerRecord(rs.getString("id"), rs.getString("name"), rs.getString("description"),
                members.get(0), members.get(1), members.get(2),
                Instant.parse(rs.getString("created_at")), Instant.parse(rs.getString("updated_at")), unreadable);
    }
}

package dev.forge.store;

import dev.forge.protocol.Json;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import tools.jackson.databind.node.ObjectNode;

/** REST-backed tools: each a name and its definition (method, URL template, headers, schema, output filter). */
public final class RestToolRepository {

    /** One stored definition. */
    /** {@code unreadable}: why the stored spec could not be opened (then {@code spec} is empty), or null. */
    public record RestToolRecord(String id, String name, ObjectNode spec, String unreadable) {
        public RestToolRecord(String id, String name, ObjectNode spec) {
            this(id, name, spec, null);
        }
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final SecretBox secrets;

    public RestToolRepository(Database database, Clock clock, SecretBox secrets) {
        this.jdbi = database.jdbi();
        this.clock = clock;
        this.secrets = secrets;
    }

    public List<RestToolRecord> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, name, spec FROM rest_tools ORDER BY created_at, name")
                .map((rs, ctx) -> {
                    String id = rs.getString("id");
                    String name = rs.getString("name");
                    try { // one row edited by hand or sealed with a lost key must not hide the others
                        if (!(Json.parse(rs.getString("spec")) instanceof ObjectNode stored)) {
                            return new RestToolRecord(id, name, Json.object(), "spec: not a JSON object (expected: the tool's definition)");
                        }
                        return new RestToolRecord(id, name, secrets.open(stored, SecretOwner.restTool(id, name)));
                    } catch (SecretsException e) {
                        return new RestToolRecord(id, name, Json.object(), e.getMessage());
                    } catch (dev.forge.protocol.JsonRpcException e) {
                        return new RestToolRecord(id, name, Json.object(), "spec: not JSON (expected: the tool's definition)");
                    }
                })
                .list());
    }

    public Optional<RestToolRecord> findByName(String name) {
        return list().stream().filter(r -> r.name().equals(name)).findFirst();
    }

    public RestToolRecord insert(String name, ObjectNode spec) {
        String id = UUID.randomUUID().toString();
        String now = clock.instant().toString();
        ObjectNode sealed = secrets.seal(spec, SecretOwner.restTool(id, name));
        try {
            jdbi.useTransaction(h -> h.createUpdate("INSERT INTO rest_tools (id, name, spec, created_at, updated_at) "
                            + "VALUES (:id, :name, :spec, :now, :now)")
                    .bind("id", id).bind("name", name).bind("spec", Json.text(sealed)).bind("now", now).execute());
        } catch (UnableToExecuteStatementException e) {
            throw Constraints.duplicateOr(e, "a REST tool named '" + name + "' already exists");
        }
        return new RestToolRecord(id, name, spec);
    }

    public boolean deleteByName(String name) {
        return jdbi.inTransaction(h -> h.createUpdate("DELETE FROM rest_tools WHERE name = :name").bind("name", name).execute()) > 0;
    }
}

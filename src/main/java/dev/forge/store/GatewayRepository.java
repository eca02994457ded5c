package dev.forge.store;

import dev.forge.protocol.Json;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import tools.jackson.databind.node.ObjectNode;

/** Registered upstreams in the database. Every write is one statement in its own transaction. */
public final class GatewayRepository {

    private static final String COLUMNS = "id, name, transport, spec, enabled, created_at, updated_at";

    private final Jdbi jdbi;
    private final Clock clock;
    private final SecretBox secrets;

    public GatewayRepository(Database database, Clock clock, SecretBox secrets) {
        this.jdbi = database.jdbi();
        this.clock = clock;
        this.secrets = secrets;
    }

    public List<GatewayRecord> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM gateways ORDER BY created_at, name")
                .map(this::map).list());
    }

    public Optional<GatewayRecord> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM gateways WHERE id = :id")
                .bind("id", id).map(this::map).findOne());
    }

    public Optional<GatewayRecord> findByName(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM gateways WHERE name = :name")
                .bind("name", name).map(this::map).findOne());
    }

    /** Stores a new upstream; a taken name is a {@link DuplicateNameException} and nothing is written. */
    public GatewayRecord insert(String name, String transport, ObjectNode spec, boolean enabled) {
        Instant now = clock.instant();
        GatewayRecord record = new GatewayRecord(UUID.randomUUID().toString(), name, transport, spec, enabled, now, now);
        ObjectNode sealed = secrets.seal(spec, SecretOwner.gateway(record.id(), name)); // sealed for the id it is stored under
        try {
            jdbi.useTransaction(h -> h.createUpdate("INSERT INTO gateways (" + COLUMNS + ") VALUES "
                            + "(:id, :name, :transport, :spec, :enabled, :created, :updated)")
                    .bind("id", record.id()).bind("name", name).bind("transport", transport)
                    .bind("spec", Json.text(sealed)).bind("enabled", enabled)
                    .bind("created", now.toString()).bind("updated", now.toString())
                    .execute());
        } catch (UnableToExecuteStatementException e) {
            throw Constraints.duplicateOr(e, "a gateway named '" + name + "' already exists");
        }
        return record;
    }

    /** Replaces an upstream's details; empty if there is no such id. */
    public Optional<GatewayRecord> update(String id, String name, String transport, ObjectNode spec, boolean enabled) {
        Instant now = clock.instant();
        ObjectNode sealed = secrets.seal(spec, SecretOwner.gateway(id, name)); // the id, not the name, is in what seals it
        int changed;
        try {
            changed = jdbi.inTransaction(h -> h.createUpdate("UPDATE gateways SET name = :name, transport = :transport, "
                            + "spec = :spec, enabled = :enabled, updated_at = :updated WHERE id = :id")
                    .bind("id", id).bind("name", name).bind("transport", transport).bind("spec", Json.text(sealed))
                    .bind("enabled", enabled).bind("updated", now.toString())
                    .execute());
        } catch (UnableToExecuteStatementException e) {
            throw Constraints.duplicateOr(e, "a gateway named '" + name + "' already exists");
        }
        return changed == 0 ? Optional.empty() : find(id);
    }

    public boolean delete(String id) {
        return jdbi.inTransaction(h -> h.createUpdate("DELETE FROM gateways WHERE id = :id").bind("id", id).execute()) > 0;
    }

    private GatewayRecord map(java.sql.ResultSet rs, StatementContext ctx) throws SQLException {
        String id = rs.getString("id");
        String name = rs.getString("name");
        ObjectNode spec = Json.object();
        String unreadable = null;
        try { // one row edited by hand or sealed with a lost key must not hide the others
            if (!(Json.parse(rs.getString("spec")) instanceof ObjectNode stored)) {
                throw new SecretsException("gateway '" + name + "'.spec: not a JSON object (expected: the stored specification)");
            }
            spec = stored;
            spec = secrets.open(stored, SecretOwner.gateway(id, name));
        } catch (SecretsException e) {
            unreadable = e.getMessage();
        } catch (dev.forge.protocol.JsonRpcException e) {
            unreadable = "gateway '" + name + "'.spec: not JSON (expected: the stored specification)";
        }
        return new GatewayRecord(id, name, rs.getString("transport"), spec, rs.getBoolean("enabled"),
                Instant.parse(rs.getString("created_at")), Instant.parse(rs.getString("updated_at")), unreadable);
    }
}

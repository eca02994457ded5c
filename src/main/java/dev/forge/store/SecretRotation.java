package dev.forge.store;

import dev.forge.protocol.Json;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import tools.jackson.databind.node.ObjectNode;

/**
 * Re-seals every stored credential (of gateways and REST tools) with the current key: values of the first format, values
 * sealed with the previous key, and values stored in the clear before a key was set. Values already sealed with the
 * current key are left as they are, so running it again changes nothing.
 */
public final class SecretRotation {

    /** What rotating one table did, or on a dry run would do: values re-sealed, sealed for the first time, already current. */
    public record Count(String table, int resealed, int sealed, int current) {}

    private record Row(String id, String name, String spec) {}

    private static final List<String> TABLES = List.of("gateways", "rest_tools");

    private final Jdbi jdbi;
    private final SecretBox secrets;

    public SecretRotation(Database database, SecretBox secrets) {
        this.jdbi = database.jdbi();
        this.secrets = secrets;
    }

    /**
     * Re-seals, one transaction per table. Every value is opened before anything is written, so one that no key opens
     * stops the rotation with nothing changed (a {@link SecretsException} naming its record and field).
     */
    public List<Count> run(boolean dryRun) {
        if (!secrets.encrypts()) {
            throw new SecretsException("FORGE_ENCRYPTION_KEY is not set (expected: the key to re-seal with; "
                    + "the key it replaces goes in FORGE_ENCRYPTION_KEY_PREVIOUS)");
        }
        List<Count> planned;
        try {
            planned = TABLES.stream().map(table -> jdbi.withHandle(h -> pass(h, table, false))).toList();
        } catch (SecretsException e) {
            throw new SecretsException("nothing was written: " + e.getMessage());
        }
        if (dryRun) {
            return planned;
        }
        return TABLES.stream().map(table -> jdbi.inTransaction(h -> pass(h, table, true))).toList();
    }

    private Count pass(Handle h, String table, boolean write) {
        if (write) {
            // Takes SQLite's write lock, or PostgreSQL's locks on the rows, before reading them: a running gateway's
            // write then waits for this transaction instead of falling between its read and its write.
            h.execute("UPDATE " + table + " SET spec = spec");
        }
        List<Row> rows = h.createQuery("SELECT id, name, spec FROM " + table + " ORDER BY id")
                .map((rs, ctx) -> new Row(rs.getString("id"), rs.getString("name"), rs.getString("spec"))).list();
        int resealed = 0;
        int sealed = 0;
        int current = 0;
        for (Row row : rows) {
            SecretOwner owner = "gateways".equals(table) ? SecretOwner.gateway(row.id(), row.name())
                    : SecretOwner.restTool(row.id(), row.name());
            SecretBox.Resealed result = secrets.reseal((ObjectNode) Json.parse(row.spec()), owner);
            resealed += result.resealed();
            sealed += result.sealed();
            current += result.current();
            if (write && result.changed()) {
                int updated = h.createUpdate("UPDATE " + table + " SET spec = :spec WHERE id = :id AND spec = :old")
                        .bind("spec", Json.text(result.spec())).bind("id", row.id()).bind("old", row.spec()).execute();
                if (updated != 1) { // the locks above should make this impossible; never overwrite a change unseen
                    throw new IllegalStateException(table + "/" + row.id() + ": changed while being re-sealed "
                            + "(expected: no other writer; nothing in " + table + " was written, run again)");
                }
            }
        }
        return new Count(table, resealed, sealed, current);
    }
}

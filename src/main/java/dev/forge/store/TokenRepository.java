package dev.forge.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Issued API tokens (by hash) and the deny list of revoked token ids. */
public final class TokenRepository {

    private static final String COLUMNS = "id, name, subject, role, scopes, created_by, created_at, expires_at, revoked_at";

    private final Jdbi jdbi;
    private final Clock clock;

    public TokenRepository(Database database, Clock clock) {
        this.jdbi = database.jdbi();
        this.clock = clock;
    }

    public void insert(TokenRecord token, String tokenHash) {
        jdbi.useTransaction(h -> h.createUpdate("INSERT INTO api_tokens (" + COLUMNS + ", token_hash) VALUES "
                        + "(:id, :name, :subject, :role, :scopes, :by, :created, :expires, NULL, :hash)")
                .bind("id", token.id()).bind("name", token.name()).bind("subject", token.subject())
                .bind("role", token.role()).bind("scopes", String.join(" ", token.scopes()))
                .bind("by", token.createdBy()).bind("created", token.createdAt().toString())
                .bind("expires", token.expiresAt().toString()).bind("hash", tokenHash)
                .execute());
    }

    public List<TokenRecord> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM api_tokens ORDER BY created_at, id")
                .map(TokenRepository::map).list());
    }

    public Optional<TokenRecord> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM api_tokens WHERE id = :id")
                .bind("id", id).map(TokenRepository::map).findOne());
    }

    /**
     * Puts a token id on the deny list (and marks our own token of that id revoked), in one transaction. Revoking
     * twice keeps the first record.
     */
    public void revoke(String jti, Instant expiresAt, String by) {
        String now = clock.instant().toString();
        jdbi.useTransaction(h -> {
            boolean listed = h.createQuery("SELECT COUNT(*) FROM revoked_tokens WHERE jti = :jti").bind("jti", jti)
                    .mapTo(Integer.class).one() > 0;
            if (!listed) {
                h.createUpdate("INSERT INTO revoked_tokens (jti, revoked_at, expires_at, revoked_by) VALUES (:jti, :now, :exp, :by)")
                        .bind("jti", jti).bind("now", now).bind("exp", expiresAt == null ? null : expiresAt.toString())
                        .bind("by", by).execute();
            }
            h.createUpdate("UPDATE api_tokens SET revoked_at = :now WHERE id = :jti AND revoked_at IS NULL")
                    .bind("now", now).bind("jti", jti).execute();
        });
    }

    /** Ids revoked and not yet past their expiry (after that the token is refused as expired anyway). */
    public Set<String> revokedIds() {
        String now = clock.instant().toString();
        return jdbi.withHandle(h -> h.createQuery("SELECT jti FROM revoked_tokens WHERE expires_at IS NULL OR expires_at > :now")
                .bind("now", now).mapTo(String.class).collect(Collectors.toUnmodifiableSet()));
    }

    private static TokenRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
        String scopes = rs.getString("scopes");
        String revoked = rs.getString("revoked_at");
        return new TokenRecord(rs.getString("id"), rs.getString("name"), rs.getString("subject"), rs.getString("role"),
                scopes.isBlank() ? List.of() : Arrays.asList(scopes.split(" ")), rs.getString("created_by"),
                Instant.parse(rs.getString("created_at")), Instant.parse(rs.getString("expires_at")),
                revoked == null ? null : Instant.parse(revoked));
    }
}

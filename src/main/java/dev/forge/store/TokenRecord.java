package dev.forge.store;

import java.time.Instant;
import java.util.List;

/** An API token Forge issued, as stored: everything but the token itself. {@code revokedAt} is null while valid. */
public record TokenRecord(String id, String name, String subject, String role, List<String> scopes, String createdBy,
                          Instant createdAt, Instant expiresAt, Instant revokedAt) {

    public TokenRecord {
        scopes = List.copyOf(scopes);
    }
}

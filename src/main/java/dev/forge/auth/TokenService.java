package dev.forge.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.forge.config.SecurityConfig;
import dev.forge.registry.RegistryException;
import dev.forge.store.TokenRecord;
import dev.forge.store.TokenRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Issues API tokens for machines: HS256 JWTs signed with {@code JWT_SECRET} whose {@code jti} is the stored
 * record's id. The token is shown once; only its SHA-256 is kept. Revoking puts the id on the deny list.
 */
public final class TokenService {

    /** What {@link #issue} needs; validated there. */
    public record Request(String name, String subject, String role, List<String> scopes, Duration lifetime) {}

    /** The stored record and the token itself, which nobody can see again. */
    public record Issued(TokenRecord record, String token) {}

    static final Duration MAX_LIFETIME = Duration.ofDays(366);

    private final HmacKey key;
    private final String issuer;
    private final String audience;
    private final TokenRepository tokens;
    private final Revocations revocations;
    private final AuthEvents audit;
    private final Clock clock;

    public TokenService(SecurityConfig config, TokenRepository tokens, Revocations revocations, AuthEvents audit, Clock clock) {
        this.key = config.jwtSecret() == null ? null : new HmacKey(config.jwtSecret());
        this.issuer = config.issuer();
        this.audience = config.audience();
        this.tokens = tokens;
        this.revocations = revocations;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * A token asked for by a caller of the API or the console: it may carry no right its issuer lacks (an admin token
     * narrowed to the admin scopes cannot mint one that calls tools, nor a tool-limited one an unlimited one).
     */
    public Issued issue(Request request, Principal issuer) {
        Role role = Role.parse(request.role() == null ? "developer" : request.role());
        java.util.Collection<String> wanted = request.scopes().stream().anyMatch(s -> !s.startsWith(Scopes.TOOL_PREFIX))
                || role == null ? request.scopes() : concat(role.defaultScopes(), request.scopes());
        for (String scope : wanted) {
            if (!mayGrant(issuer, scope)) {
                throw new RegistryException(403, "scopes: '" + scope + "' is beyond what the issuing credential ("
                        + issuer.subject() + ") may do itself");
            }
        }
        if (issuer.toolLimited() && wanted.stream().noneMatch(s -> s.startsWith(Scopes.TOOL_PREFIX))
                && wanted.stream().anyMatch(s -> s.equals(Scopes.MCP) || s.startsWith("mcp:"))) {
            throw new RegistryException(403, "tools: the issuing credential may call only some tools, so the token must be"
                    + " limited to them too (tool:NAME scopes)");
        }
        return issue(request, issuer.subject());
    }

    private static boolean mayGrant(Principal issuer, String scope) {
        if (scope.startsWith(Scopes.TOOL_PREFIX)) {
            return issuer.mayCall(scope.substring(Scopes.TOOL_PREFIX.length()));
        }
        if (scope.equals(Scopes.ADMIN_READ)) {
            return issuer.mayRead();
        }
        if (scope.startsWith("mcp:")) {
            return issuer.scopes().contains(Scopes.MCP) || issuer.scopes().contains(scope);
        }
        return issuer.scopes().contains(scope);
    }

    private static List<String> concat(java.util.Collection<String> a, java.util.Collection<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    public Issued issue(Request request, String issuedBy) {
        if (key == null) {
            throw new RegistryException(501, "tokens cannot be issued: no JWT_SECRET is configured (make generate-secrets writes one)");
        }
        String name = required("name", request.name());
        String subject = required("sub", request.subject());
        Role role = Role.parse(request.role() == null ? "developer" : request.role());
        if (role == null) {
            throw new RegistryException(422, "role: '" + request.role() + "' (expected: admin | developer | viewer)");
        }
        List<String> scopes = new ArrayList<>();
        for (String scope : request.scopes()) {
            if (!Scopes.known(scope)) {
                throw new RegistryException(422, "scopes: '" + scope + "' (expected: admin:read | admin:write | mcp | "
                        + "mcp:server/NAME | mcp:gateway/NAME | tool:NAME)");
            }
            if (!scope.startsWith(Scopes.TOOL_PREFIX) && !role.permits(scope)) {
                throw new RegistryException(422, "scopes: '" + scope + "' is beyond role " + role.label());
            }
            scopes.add(scope);
        }
        Duration lifetime = request.lifetime() == null ? Duration.ofDays(30) : request.lifetime();
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new RegistryException(422, "expires: " + lifetime.toDays() + " days (expected: more than 0, at most "
                    + MAX_LIFETIME.toDays() + ")");
        }
        Instant now = clock.instant();
        TokenRecord record = new TokenRecord(UUID.randomUUID().toString(), name, subject, role.label(), scopes, issuedBy,
                now, now.plus(lifetime), null);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(subject).jwtID(record.id()).issueTime(Date.from(now)).expirationTime(Date.from(record.expiresAt()))
                .claim("role", role.label()).claim("name", name);
        if (!scopes.isEmpty()) {
            claims.claim("scope", String.join(" ", scopes));
        }
        if (issuer != null) {
            claims.issuer(issuer);
        }
        if (audience != null) {
            claims.audience(audience);
        }
        String token = key.sign(claims.build());
        tokens.insert(record, sha256(token));
        audit.tokenIssued(record, issuedBy);
        return new Issued(record, token);
    }

    /**
     * A token for Forge's own calls to another Forge role (the gateway to its service manager): signed like the
     * others but not stored, since nobody else ever holds it. Null when there is no secret to sign with.
     */
    public String internal(String subject, Duration lifetime) {
        return internal(subject, Role.DEVELOPER, lifetime);
    }

    /**
     * As {@link #internal(String, Duration)}, with a role: the console of a gateway acting on its service manager for
     * an operator it has admitted to change things passes on that operator's name and right, for a moment.
     */
    public String internal(String subject, Role role, Duration lifetime) {
        if (key == null) {
            return null;
        }
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(subject).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime))).claim("role", role.label());
        if (role == Role.ADMIN) { // acting on a service manager needs the admin scopes, never the calling of tools
            claims.claim("scope", Scopes.ADMIN_READ + " " + Scopes.ADMIN_WRITE);
        }
        if (issuer != null) {
            claims.issuer(issuer);
        }
        if (audience != null) {
            claims.audience(audience);
        }
        return key.sign(claims.build());
    }

    public List<TokenRecord> list() {
        return tokens.list();
    }

    public TokenRecord find(String id) {
        return tokens.find(id).orElseThrow(() -> new RegistryException(404, "no token with id " + id));
    }

    /** Revokes one of our tokens by id; 404 if there is none. */
    public TokenRecord revoke(String id, String by) {
        TokenRecord record = find(id);
        revocations.revoke(id, record.expiresAt(), by);
        audit.tokenRevoked(id, by);
        return find(id);
    }

    /** Puts any token id (ours or an identity provider's) on the deny list. */
    public void revokeId(String jti, Instant expiresAt, String by) {
        revocations.revoke(required("jti", jti), expiresAt, by);
        audit.tokenRevoked(jti, by);
    }

    private static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new RegistryException(422, field + ": missing");
        }
        if (value.length() > 255) {
            throw new RegistryException(422, field + ": " + value.length() + " characters (expected: at most 255)");
        }
        return value.trim();
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.forge.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Who may call what, how often, and where the record of it goes. Read from the environment by {@link ConfigLoader};
 * null means "not set" for the optional strings and URIs.
 *
 * @param authRequired            {@code AUTH_REQUIRED}: every request but health, readiness and metadata needs a token
 * @param jwtSecret               {@code JWT_SECRET} / {@code JWT_SECRET_KEY}: HS256 key for tokens Forge issues
 * @param jwksUrl                 {@code JWT_JWKS_URL}: where RS256/ES256 keys of an OIDC provider are published
 * @param audience                {@code JWT_AUDIENCE}: required {@code aud} when set
 * @param issuer                  {@code JWT_ISSUER}: required {@code iss} when set
 * @param defaultRole             {@code JWT_DEFAULT_ROLE}: the role of a token that names none
 * @param metricsPublic           {@code METRICS_PUBLIC}: false puts {@code /metrics} behind a read token
 * @param basicAuthUser           {@code BASIC_AUTH_USER}: the admin UI's user name
 * @param basicAuthPassword       {@code BASIC_AUTH_PASSWORD}: set to enable basic auth on the admin UI only
 * @param authorizationServers    {@code OAUTH_AUTHORIZATION_SERVERS}: advertised in the protected-resource metadata
 * @param publicUrl               {@code PUBLIC_URL}: the URL clients use, when Forge sits behind a proxy
 * @param rateLimitPerMinute      {@code RATE_LIMIT_PER_MINUTE}: requests per principal (or address); 0 turns it off
 * @param authRateLimitPerMinute  {@code AUTH_RATE_LIMIT_PER_MINUTE}: failed logins and token issues per address
 * @param redisUrl                {@code REDIS_URL}: share rate limits between replicas
 * @param encryptionKey           {@code FORGE_ENCRYPTION_KEY}: encrypts upstream credentials at rest
 * @param previousEncryptionKey   {@code FORGE_ENCRYPTION_KEY_PREVIOUS}: the key being rotated away from, still read
 * @param ssrfAllowPrivate        {@code SSRF_ALLOW_PRIVATE_NETWORKS}: upstream URLs may be in private ranges
 * @param ssrfAllowLocalhost      {@code SSRF_ALLOW_LOCALHOST}: upstream URLs may be loopback addresses
 * @param maxSessionsPerPrincipal {@code MAX_SESSIONS_PER_PRINCIPAL}: open MCP sessions one token subject may hold
 * @param corsEnabled             {@code CORS_ENABLED}: answer CORS for the origins in {@code ALLOWED_ORIGINS}
 * @param auditLog                {@code AUDIT_LOG_PATH}: the audit file (null: audit lines go to the main log only)
 * @param logRetention            {@code LOG_RETENTION}: days of audit files kept
 * @param auditArguments          {@code AUDIT_TOOL_ARGUMENTS}: record tool arguments (redacted) in the audit line
 * @param trustedProxies          {@code TRUSTED_PROXIES}: proxy addresses whose {@code X-Forwarded-For} is believed
 * @param staticBearer            one fixed bearer token that is accepted as admin ({@code forge translate --oauth2-bearer})
 * @param production              {@code FORGE_ENV}/{@code NODE_ENV} is production: stricter checks
 * @param childEnvironment        what the processes Forge starts may see of its environment
 * @param batches                 {@code MAX_BATCH_ENTRIES}, {@code MAX_BATCH_RESPONSE_BYTES}: what one JSON-RPC batch may cost
 */
public record SecurityConfig(
        boolean authRequired,
        String jwtSecret,
        URI jwksUrl,
        String audience,
        String issuer,
        String defaultRole,
        boolean metricsPublic,
        String basicAuthUser,
        String basicAuthPassword,
        List<String> authorizationServers,
        URI publicUrl,
        int rateLimitPerMinute,
        int authRateLimitPerMinute,
        URI redisUrl,
        String encryptionKey,
        String previousEncryptionKey,
        boolean ssrfAllowPrivate,
        boolean ssrfAllowLocalhost,
        int maxSessionsPerPrincipal,
        boolean corsEnabled,
        Path auditLog,
        Duration logRetention,
        boolean auditArguments,
        java.util.Set<String> trustedProxies,
        String staticBearer,
        boolean production,
        ChildEnvironment childEnvironment,
        BatchLimits batches) {

    public static final int DEFAULT_RATE_LIMIT = 600;
    public static final int DEFAULT_AUTH_RATE_LIMIT = 10;
    public static final int DEFAULT_MAX_SESSIONS = 256;

    public SecurityConfig {
        authorizationServers = List.copyOf(authorizationServers);
        trustedProxies = java.util.Set.copyOf(trustedProxies);
    }

    /** Never the keys: a record's own {@code toString} would print every one of them into whatever logs it. */
    @Override
    public String toString() {
        return "SecurityConfig[authRequired=" + authRequired + ", jwtSecret=" + (jwtSecret == null ? "unset" : "***")
                + ", jwksUrl=" + MaskedUrl.of(jwksUrl) + ", encryptionKey=" + (encryptionKey == null ? "unset" : "***")
                + ", redisUrl=" + MaskedUrl.of(redisUrl) + ", production=" + production + "]";
    }

    /** True if bearer tokens can be verified at all. */
    public boolean hasTokenKeys() {
        return jwtSecret != null || jwksUrl != null || staticBearer != null;
    }

    public SecurityConfig withStaticBearer(String token) {
        return new SecurityConfig(authRequired, jwtSecret, jwksUrl, audience, issuer, defaultRole, metricsPublic,
                basicAuthUser, basicAuthPassword, authorizationServers, publicUrl, rateLimitPerMinute, authRateLimitPerMinute,
                redisUrl, encryptionKey, previousEncryptionKey, ssrfAllowPrivate, ssrfAllowLocalhost, maxSessionsPerPrincipal,
                corsEnabled, auditLog, logRetention, auditArguments, trustedProxies, token, production, childEnvironment, batches);
    }

    public SecurityConfig withCors(boolean enabled) {
        return new SecurityConfig(authRequired, jwtSecret, jwksUrl, audience, issuer, defaultRole, metricsPublic,
                basicAuthUser, basicAuthPassword, authorizationServers, publicUrl, rateLimitPerMinute, authRateLimitPerMinute,
                redisUrl, encryptionKey, previousEncryptionKey, ssrfAllowPrivate, ssrfAllowLocalhost, maxSessionsPerPrincipal,
                enabled, auditLog, logRetention, auditArguments, trustedProxies, staticBearer, production, childEnvironment, batches);
    }

    /** The same settings, audit lines going to {@code auditFile} (null: the main log) and {@code perMinute} requests allowed. */
    public SecurityConfig withAuditAndRateLimit(Path auditFile, int perMinute) {
        return new SecurityConfig(authRequired, jwtSecret, jwksUrl, audience, issuer, defaultRole, metricsPublic,
                basicAuthUser, basicAuthPassword, authorizationServers, publicUrl, perMinute, authRateLimitPerMinute,
                redisUrl, encryptionKey, previousEncryptionKey, ssrfAllowPrivate, ssrfAllowLocalhost, maxSessionsPerPrincipal,
                corsEnabled, auditFile, logRetention, auditArguments, trustedProxies, staticBearer, production, childEnvironment, batches);
    }
}

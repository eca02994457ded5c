package dev.forge.auth;

import dev.forge.catalog.Catalog;
import dev.forge.config.SecurityConfig;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Decides, before any handler runs, who the caller is and whether they may reach this path. Leaves the
 * {@link Principal} on the request for the handlers. Refusals are 401 (no acceptable credential, with a challenge
 * that points at the protected-resource metadata), 403 (insufficient scope) or 429 (too many failed attempts).
 */
public final class AccessGuard {

    /** The request attribute naming what a listener serves at its root MCP endpoints. */
    public static final String ROOT_SCOPE = "forge.root-scope";

    /** Query parameters that would carry a credential into access logs and browser history. */
    private static final Set<String> QUERY_CREDENTIALS = Set.of("access_token", "token", "api_key", "apikey", "jwt");

    /** Whoever holds the one bearer token a translate bridge was started with. */
    private static final Principal STATIC_BEARER = new Principal("bearer", Role.ADMIN, Role.ADMIN.defaultScopes(), Set.of(),
            null, null, true);

    private final SecurityConfig config;
    private final TokenVerifier verifier;
    private final FailedLogins failedLogins;
    private final AuthEvents audit;
    private final UnaryOperator<String> serverName;
    private final Challenges challenges;
    private final ConsoleSessions console;

    /** {@code serverName}: a virtual server's name from the id or name in its path. */
    public AccessGuard(SecurityConfig config, TokenVerifier verifier, FailedLogins failedLogins, AuthEvents audit,
                       UnaryOperator<String> serverName, ConsoleSessions console) {
        this.console = console;
        this.config = config;
        this.verifier = verifier;
        this.failedLogins = failedLogins;
        this.audit = audit;
        this.serverName = serverName;
        this.challenges = new Challenges(config);
    }

    /** True if the request may go on; otherwise the refusal has been written. */
    public boolean admit(Context ctx) {
        Surface surface = Surface.of(ctx.path());
        if (surface == Surface.OPEN || (surface == Surface.METRICS && config.metricsPublic())) {
            // open to all, but a caller who shows a token is known (/health shows details to admin:read)
            ctx.attribute(Principal.ATTRIBUTE, optionalPrincipal(ctx, surface));
            return true;
        }
        String query = ctx.queryString();
        for (String name : query == null || query.isEmpty() ? Set.<String>of() : QUERY_CREDENTIALS) {
            if (ctx.queryParam(name) != null) {
                refuseLogin(ctx, surface, "credentials in the query string are refused (they end up in logs): "
                        + "send Authorization: Bearer <token>", false);
                return false;
            }
        }
        Principal principal;
        try {
            principal = authenticate(ctx, surface);
        } catch (AuthException e) {
            refuseLogin(ctx, surface, e.getMessage(), ctx.header("Authorization") != null);
            return false;
        } catch (TooManyAttempts e) {
            audit.rateLimited("ip:" + ClientAddress.of(ctx), ctx.method().name(), ctx.path());
            challenges.tooManyAttempts(ctx, surface, e.retryAfterSeconds);
            return false;
        }
        ctx.attribute(Principal.ATTRIBUTE, principal);
        String needed = neededScope(ctx, surface);
        if (!allowed(principal, surface, needed, ctx)) {
            audit.accessDenied(principal.subject(), ClientAddress.of(ctx), ctx.method().name(), ctx.path(), needed);
            challenges.insufficientScope(ctx, surface, needed);
            return false;
        }
        return true;
    }

    /** Who the caller is if they say so convincingly, else {@link Principal#ANONYMOUS}; never refuses. */
    private Principal optionalPrincipal(Context ctx, Surface surface) {
        try {
            return authenticate(ctx, surface);
        } catch (AuthException | TooManyAttempts e) {
            return Principal.ANONYMOUS;
        }
    }

    /**
     * The console's sign-in: the credential typed into its form, checked as a request would be (failures counted
     * against the address, audited); the principal, or an {@link AuthException} saying why not.
     */
    public Principal signIn(Context ctx, String authorization) {
        try {
            notBlocked(ctx);
            Principal principal = authenticate(ctx, Surface.ADMIN_UI, authorization);
            failedLogins.count(failedLoginKey(ctx)); // every sign-in spends the address's budget: a flood of them is refused
            if (!principal.mayRead()) {
                throw new AuthException("this credential may not read the admin surface (it needs scope " + Scopes.ADMIN_READ + ")");
            }
            return principal;
        } catch (AuthException e) {
            audit.authFailure(ClientAddress.of(ctx), ctx.method().name(), ctx.path(), e.getMessage());
            failedLogins.count(failedLoginKey(ctx));
            throw e;
        } catch (TooManyAttempts e) {
            throw new AuthException("too many failed sign-ins from " + ClientAddress.of(ctx) + "; retry after "
                    + e.retryAfterSeconds + " s");
        }
    }

    /** Where clients reach this gateway: {@code PUBLIC_URL} when set, else the scheme and host this request used. */
    public String baseUrl(Context ctx) {
        return ResourceMetadata.baseUrl(config, ctx);
    }

    /** True when the basic-auth password is set: the console's sign-in then offers a user name and password. */
    public boolean acceptsBasic() {
        return config.basicAuthPassword() != null;
    }

    /** True when no credential is needed here (auth off, or a loopback caller with no keys configured). */
    public boolean openWithoutCredentials(Context ctx) {
        return !config.authRequired() || !config.hasTokenKeys() && isLoopback(ClientAddress.of(ctx));
    }

    private Principal authenticate(Context ctx, Surface surface) {
        String header = ctx.header("Authorization");
        if ((header == null || header.isBlank()) && surface == Surface.ADMIN_UI) {
            header = console.authorization(ctx.cookie(ConsoleSessions.COOKIE), !isPoll(ctx)); // a browser signed in
        }
        return authenticate(ctx, surface, header);
    }

    private Principal authenticate(Context ctx, Surface surface, String header) {
        if (header == null || header.isBlank()) {
            if (!config.authRequired()) {
                return Principal.LOCAL;
            }
            if (!config.hasTokenKeys() && isLoopback(ClientAddress.of(ctx))) {
                return Principal.LOCAL;
            }
            if (!config.hasTokenKeys()) {
                throw new AuthException("authentication is required and no JWT_SECRET or JWT_JWKS_URL is configured, "
                        + "so only loopback clients are served: set JWT_SECRET (make generate-secrets writes one) "
                        + "or AUTH_REQUIRED=false behind a proxy that authenticates");
            }
            throw new AuthException("missing credentials: send Authorization: Bearer <token> "
                    + "(bin/forge token create issues one)");
        }
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String credential = header.substring(7).trim();
            if (config.staticBearer() != null) {
                if (MessageDigest.isEqual(credential.getBytes(StandardCharsets.UTF_8), config.staticBearer().getBytes(StandardCharsets.UTF_8))) {
                    return STATIC_BEARER;
                }
                if (config.jwtSecret() == null && config.jwksUrl() == null) {
                    throw new AuthException("bearer token refused: it is not the one this bridge was started with");
                }
            }
            if (!config.hasTokenKeys()) {
                throw new AuthException("bearer token refused: no JWT_SECRET or JWT_JWKS_URL is configured to check it");
            }
            Principal known = verifier.accepted(credential); // the hot path: one cache read, no signature work
            if (known != null) {
                return known;
            }
            notBlocked(ctx);
            return verifier.verify(credential);
        }
        if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            if (surface != Surface.ADMIN_UI || config.basicAuthPassword() == null) {
                throw new AuthException("basic credentials are accepted only by the admin UI, and only when "
                        + "BASIC_AUTH_PASSWORD is set; use a bearer token");
            }
            notBlocked(ctx);
            return basic(header.substring(6).trim());
        }
        throw new AuthException("unsupported Authorization scheme (expected: Bearer)");
    }

    /** Before checking a credential this address has not shown before: refuse while it has failed too often. */
    private void notBlocked(Context ctx) {
        long waitNanos = failedLogins.waitNanos(failedLoginKey(ctx));
        if (waitNanos > 0) {
            throw new TooManyAttempts(waitNanos);
        }
    }

    private Principal basic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new AuthException("basic credentials are not valid base64");
        }
        int colon = decoded.indexOf(':');
        String user = colon < 0 ? decoded : decoded.substring(0, colon);
        String password = colon < 0 ? "" : decoded.substring(colon + 1);
        boolean userOk = MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8),
                config.basicAuthUser().getBytes(StandardCharsets.UTF_8));
        boolean passwordOk = MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8),
                config.basicAuthPassword().getBytes(StandardCharsets.UTF_8));
        if (!(userOk & passwordOk)) {
            throw new AuthException("basic credentials refused: wrong user name or password");
        }
        return new Principal(user, Role.ADMIN, Role.ADMIN.defaultScopes(), Set.of(), null, null, true);
    }

    private void refuseLogin(Context ctx, Surface surface, String reason, boolean credentialShown) {
        audit.authFailure(ClientAddress.of(ctx), ctx.method().name(), ctx.path(), reason);
        if (credentialShown) {
            failedLogins.count(failedLoginKey(ctx)); // the next attempt checks the budget
        }
        if (surface == Surface.ADMIN_UI && isRead(ctx) && wantsPage(ctx) && !isPoll(ctx)) { // a person: the sign-in page
            ctx.redirect("/admin/login?next=" + java.net.URLEncoder.encode(ctx.path(), StandardCharsets.UTF_8), io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        challenges.unauthorized(ctx, surface, reason, credentialShown);
    }

    /** A console page refreshing a part of itself (its script says so): not a person's request. */
    public static boolean isPoll(Context ctx) {
        return ctx.header(POLL_HEADER) != null;
    }

    /** The header the console's script sends with its own refreshes. */
    public static final String POLL_HEADER = "X-Console-Poll";

    private static boolean wantsPage(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.contains("text/html");
    }

    private static String failedLoginKey(Context ctx) {
        return "auth:" + ClientAddress.of(ctx);
    }

    /** The scope this request needs, for the 403 challenge and the audit line. */
    private String neededScope(Context ctx, Surface surface) {
        return switch (surface) {
            case MCP -> Scopes.forEndpoint(catalogScope(ctx));
            case METRICS -> Scopes.ADMIN_READ;
            // the console's forms change things, except the router's questions (as POST /route)
            // the tokens page lists who holds what: as GET /tokens, a writer's
            case ADMIN_UI -> (isRead(ctx) && !ctx.path().startsWith("/admin/tokens"))
                    || ctx.path().equals("/admin/router") || ctx.path().equals("/admin/router/feedback")
                    ? Scopes.ADMIN_READ : Scopes.ADMIN_WRITE;
            case ADMIN_API -> isRead(ctx) && !ctx.path().startsWith("/tokens") && !revealsSecrets(ctx) || isQuery(ctx)
                    ? Scopes.ADMIN_READ : Scopes.ADMIN_WRITE;
            case OPEN -> null;
        };
    }

    /** An export with the stored credentials in the clear: as much as writing them, so it needs what writing does. */
    private static boolean revealsSecrets(Context ctx) {
        return ctx.path().equals("/export") && Boolean.parseBoolean(ctx.queryParam("include_secrets"));
    }

    private boolean allowed(Principal principal, Surface surface, String needed, Context ctx) {
        return switch (surface) {
            case MCP -> principal.mayUse(catalogScope(ctx));
            case ADMIN_UI, METRICS, ADMIN_API -> needed.equals(Scopes.ADMIN_READ) ? principal.mayRead() : principal.mayWrite();
            case OPEN -> true;
        };
    }

    /**
     * POSTs that only ask: the tool router's {@code /route} and {@code /feedback}, and {@code POST /tools} with a
     * {@code task} (a routing query in the deployment guide's shape, not a registration).
     */
    private static boolean isQuery(Context ctx) {
        String path = ctx.path();
        if (path.equals("/route") || path.equals("/feedback")) {
            return true;
        }
        return path.equals("/tools") && ctx.method().name().equals("POST") && ctx.body().contains("\"task\"");
    }

    /**
     * The catalog scope of an MCP path: {@code all}, {@code server/NAME} or {@code gateway/NAME}; the root endpoints
     * show what their listener serves there (the tool router's port: its virtual server).
     */
    private String catalogScope(Context ctx) {
        String path = ctx.path();
        String[] parts = path.split("/");
        if (parts.length == 4 && parts[1].equals("servers")) {
            return Catalog.serverScope(serverName.apply(parts[2]));
        }
        if (parts.length == 4 && (parts[1].equals("gateways") || parts[1].equals("services"))) {
            return Catalog.gatewayScope(parts[2]);
        }
        String root = ctx.attribute(ROOT_SCOPE);
        return root == null ? Catalog.ALL : root;
    }

    private static boolean isRead(Context ctx) {
        String method = ctx.method().name();
        return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
    }

    static boolean isLoopback(String ip) {
        try {
            return InetAddress.getByName(ip).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Too many failed attempts from this address; carries when to come back. */
    private static final class TooManyAttempts extends RuntimeException {
        final long retryAfterSeconds;

        TooManyAttempts(long waitNanos) {
            super(null, null, false, false);
            this.retryAfterSeconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        }
    }
}

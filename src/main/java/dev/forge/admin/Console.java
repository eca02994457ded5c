package dev.forge.admin;

import dev.forge.auth.AccessGuard;
import dev.forge.auth.AuthException;
import dev.forge.auth.ConsoleSessions;
import dev.forge.auth.Principal;
import dev.forge.catalog.Federation;
import dev.forge.router.ToolRouter;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The operators' console at {@code /admin}: server-rendered pages (jte templates compiled at build time) with a little
 * plain JavaScript for live figures and copy buttons, its styles and script served from the jar. Who may see and do
 * what is the API's rule: the access guard admits each request (a viewer may look, a writer may change), the
 * console's sign-in is a cookie standing for a token or the basic-auth password, and every change carries the
 * page's anti-forgery token. Each section is a class of its own that adds its routes here.
 */
public final class Console {

    /** The security headers of every page: nothing from elsewhere, no framing, forms post only here. */
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final Map<String, String> ASSETS = Map.of("console.css", "text/css; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8");

    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
    private final AccessGuard guard;
    private final ConsoleSessions signIns;
    private final String version;
    private final Map<String, byte[]> assets = new HashMap<>();
    private final OverviewSection overview;
    private final TokensSection tokens;
    private final GatewaysSection gateways;
    private final ServersSection servers;
    private final ServicesSection services;
    private final RouterSection routerPage;
    private final AuditSection auditPage;
    private final boolean routerHere;
    private final ToolsSection tools;

    /**
     * @param services the service manager: in this process, reached through its API, or null when there is none
     * @param audit    the audit log: where the console's changes are recorded and the trail it shows is read from
     */
    public Console(AccessGuard guard, ConsoleSessions signIns, String version, Federation federation, MeterRegistry registry,
                   ToolRouter router, dev.forge.auth.TokenService tokenService, dev.forge.registry.GatewayRegistry gatewayRegistry,
                   java.time.Duration connectTimeout, dev.forge.registry.ServerRegistry serverRegistry, RegistryChanges changes,
                   dev.forge.services.ServiceControl services, dev.forge.audit.AuditLog audit,
                   dev.forge.store.ToolStateRepository toolStates, dev.forge.transport.LocalCalls calls) {
        this.guard = guard;
        this.signIns = signIns;
        this.version = version;
        this.tokens = new TokensSection(this, tokenService, changes);
        this.gateways = new GatewaysSection(this, gatewayRegistry, federation, connectTimeout, changes);
        this.servers = new ServersSection(this, serverRegistry, federation, tokenService, changes, guard);
        this.services = new ServicesSection(this, services, audit);
        this.overview = new OverviewSection(this, federation, new UpstreamFigures(registry), router, this.services::rows);
        this.routerPage = new RouterSection(this, router, changes);
        this.auditPage = new AuditSection(this, audit);
        this.routerHere = router != null;
        this.tools = new ToolsSection(this, federation, new dev.forge.api.ToolSwitch(federation, toolStates), changes,
                new ToolTrial(this, federation, calls, version));
        ASSETS.keySet().forEach(name -> assets.put(name, asset(name)));
    }

    public void routes(RoutesConfig routes) {
        routes.get("/admin/assets/{file}", this::asset);
        routes.get("/admin/login", ctx -> login(ctx, null));
        routes.post("/admin/login", this::signIn);
        routes.post("/admin/logout", changing(this::signOut));
        overview.routes(routes);
        tokens.routes(routes);
        gateways.routes(routes);
        servers.routes(routes);
        services.routes(routes);
        routerPage.routes(routes);
        auditPage.routes(routes);
        tools.routes(routes);
    }

    /** The frame of a page for this request: who is here, what they may do, the anti-forgery token. */
    Page page(Context ctx, String title, String section) {
        Principal principal = Principal.of(ctx);
        Flash flash = Flash.take(ctx);
        return new Page(title, section, principal.subject(), principal.mayWrite(), ctx.cookie(ConsoleSessions.COOKIE) != null,
                Csrf.token(ctx), version, flash.notice(), flash.error(), routerHere);
    }

    /** Renders a template with its parameters (the frame among them) as the answer. */
    void render(Context ctx, int status, String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        templates.render(template, params, out);
        ctx.header("Content-Security-Policy", POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
        ctx.status(status).contentType("text/html; charset=utf-8").result(out.toString());
    }

    /** A template rendered to text: a piece of a page that the page's script puts in place. */
    String fragment(String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        templates.render(template, params, out);
        return out.toString();
    }

    /**
     * A handler for a change: refused with 403 unless it carries this browser's anti-forgery token. (The access
     * guard has already refused a viewer: changes need the write scope.)
     */
    io.javalin.http.Handler changing(io.javalin.http.Handler handler) {
        return ctx -> {
            if (!Csrf.valid(ctx)) {
                ctx.status(403).contentType("text/plain; charset=utf-8").result("Forbidden: this form is stale or came from"
                        + " another site (its anti-forgery token does not match this browser's); reload the page and try again");
                return;
            }
            handler.handle(ctx);
        };
    }

    private static final java.time.format.DateTimeFormatter WHEN = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(java.time.ZoneOffset.UTC);

    /** A moment as the console writes it: to the minute, in UTC (the logs' and the API's zone). */
    static String when(java.time.Instant instant) {
        return WHEN.format(instant);
    }

    /** After a change, back to a page with a notice saying what was done (the address never holds a secret). */
    static void redirect(Context ctx, String path, String notice) {
        if (notice != null) {
            Flash.notice(ctx, notice);
        }
        ctx.redirect(path, HttpStatus.SEE_OTHER);
    }

    /** As {@link #redirect}, with an error to show there. */
    static void redirectWithError(Context ctx, String path, String error) {
        Flash.error(ctx, error);
        ctx.redirect(path, HttpStatus.SEE_OTHER);
    }

    private void login(Context ctx, String error) {
        Map<String, Object> params = new HashMap<>();
        params.put("page", new Page("Sign in", "login", null, false, false, Csrf.token(ctx), version, null, error));
        params.put("next", safeNext(ctx.queryParam("next") != null ? ctx.queryParam("next") : ctx.formParam("next")));
        params.put("basicAuth", guard.acceptsBasic());
        params.put("open", guard.openWithoutCredentials(ctx));
        render(ctx, error == null ? 200 : 401, "login.jte", params);
    }

    private void signIn(Context ctx) {
        if (!Csrf.valid(ctx)) {
            login(ctx, "This form had expired; sign in again.");
            return;
        }
        String token = trimmed(ctx.formParam("token"));
        String user = trimmed(ctx.formParam("username"));
        String authorization = token != null ? "Bearer " + token : user != null ? "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + (ctx.formParam("password") == null ? "" : ctx.formParam("password")))
                        .getBytes(StandardCharsets.UTF_8)) : null;
        if (authorization == null) {
            login(ctx, "Enter a token, or a user name and password.");
            return;
        }
        try {
            guard.signIn(ctx, authorization);
        } catch (AuthException e) {
            login(ctx, "Not signed in: " + e.getMessage());
            return;
        }
        String signIn;
        try {
            signIn = signIns.open(authorization);
        } catch (IllegalStateException e) {
            login(ctx, "Not signed in: " + e.getMessage() + "; try again in a moment.");
            return;
        }
        Cookies.set(ctx, ConsoleSessions.COOKIE, signIn);
        ctx.redirect(safeNext(ctx.formParam("next")), HttpStatus.SEE_OTHER);
    }

    private void signOut(Context ctx) {
        Cookies.clear(ctx, ConsoleSessions.COOKIE); // this browser is signed out whatever the store says
        boolean ended = signIns.close(ctx.cookie(ConsoleSessions.COOKIE));
        redirect(ctx, "/admin/login", ended ? "Signed out." : "Signed out of this browser. The store the replicas share"
                + " (Redis) cannot be reached, so the sign-in is ended there as soon as it can be.");
    }

    /** Where to go after signing in: a console page only, never another site. */
    private static String safeNext(String next) {
        return next != null && next.startsWith("/admin") && !next.startsWith("/admin/login") && !next.contains("//")
                && !next.contains("\\") ? next : "/admin";
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private void asset(Context ctx) {
        String name = ctx.pathParam("file");
        byte[] body = assets.get(name);
        if (body == null) {
            ctx.status(404).result("Not Found");
            return;
        }
        ctx.header("Cache-Control", "public, max-age=3600");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType(ASSETS.get(name)).result(body);
    }

    private static byte[] asset(String name) {
        try (InputStream in = Console.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the console's " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("reading the console's " + name, e);
        }
    }
}

package dev.forge.observe;

import static dev.forge.observe.ErrorCatalog.http;
import static dev.forge.observe.ErrorCatalog.mcp;

import dev.forge.observe.ErrorCatalog.Entry;
import java.util.List;

/** The answers of the admin API, the service manager, the tool router and the HTTP edge, by status. */
final class HttpErrorEntries {

    private static final String TOKEN = "`TOKEN=$(bin/forge token create --env-file .env.production --name me --role admin --expires 1h)`, "
            + "then send `-H \"Authorization: Bearer $TOKEN\"`.";

    static final List<Entry> ENTRIES = List.of(
            http("bad-request-json", 400, "bad_request", "body: ¦Parse error: ‹Unexpected end-of-input…›",
                    "The body of an admin or service manager request is not JSON.", "Check the quoting of `-d '…'`; `jq . body.json` finds the spot."),
            http("bad-request-body-ended", 400, "bad_request", "Bad Request: the body ended before its Content-Length ‹512› was reached",
                    "The client sent less than it announced (or `…before its last chunk`): a client or proxy cut the upload.", "Retry; check the proxy's body limits and timeouts."),
            http("bad-request-http", 400, "bad_request", "Bad Request: ‹…›",
                    "Malformed HTTP (Jetty's reason follows), or a bad `Host`.", "Fix the client; `curl -v` shows what was sent."),
            http("https-redirect", 308, "https_required", "Permanent Redirect: this port serves HTTPS; send the request to ‹https://forge.example.com:4444/health›",
                    "HTTPS is on (`SSL_ENABLED=true`) and the request came over plain HTTP; `Location` names the https URL.",
                    "Use `https://` (curl: `-L` follows it; a self-signed certificate needs `--cacert ssl/server.crt`)."),
            http("https-refused", 400, "https_required", "Bad Request: this port serves HTTPS only (plain HTTP is refused here)",
                    "HTTPS is on with `SSL_PLAIN_HTTP=refuse`, and the request came over plain HTTP.", "Use `https://`."),
            http("unauthorized-missing", 401, "unauthorized",
                    "Unauthorized: ¦missing credentials: send Authorization: Bearer <token> (bin/forge token create issues one)",
                    "Every endpoint but `/health`, `/ready`, `/version`, `/metrics` needs a token (the guide's bare `curl` calls get this).", TOKEN),
            http("unauthorized-no-keys", 401, "unauthorized",
                    "Unauthorized: ¦authentication is required and no JWT_SECRET or JWT_JWKS_URL is configured, so only loopback clients are served",
                    "No key is configured, and the client is not on this host.", "`make generate-secrets`, then `scripts/deploy-production.sh deploy`."),
            http("unauthorized-token", 401, "unauthorized", "Unauthorized: ¦token refused: ‹expired at 2026-11-30T17:00:00Z›",
                    "The token was read and refused: `expired at …`, `it was revoked (jti …)`, `invalid signature` (another `JWT_SECRET`), "
                            + "`not a JWT (…)` (a truncated paste), `expected audience: …`.",
                    "Issue a new one: " + TOKEN + " A token signed before a `JWT_SECRET` change is invalid everywhere."),
            http("unauthorized-query", 401, "unauthorized",
                    "Unauthorized: ¦credentials in the query string are refused (they end up in logs): send Authorization: Bearer <token>",
                    "`?access_token=`, `?token=` or `?api_key=` in the URL, even a valid one.", "Send the header instead."),
            http("forbidden-scope", 403, "forbidden",
                    "Forbidden: insufficient_scope: ‹POST› ‹/gateways› needs scope ‹admin:write›, which this token does not have",
                    "The token's role or scopes do not cover this call (a developer token cannot write the registry; a viewer cannot call tools).",
                    "Use a token with the scope: `bin/forge token create --env-file .env.production --name ops --role admin`."),
            mcp("forbidden-origin", 403, "Forbidden: Origin ‹https://app.example.com› is not allowed (set ALLOWED_ORIGINS to admit it)",
                    "A browser-based client sent an `Origin` Forge does not know (DNS-rebinding protection on the MCP endpoints).",
                    "Add the origin to `ALLOWED_ORIGINS` in `.env.production` and redeploy."),
            mcp("forbidden-host", 403, "Forbidden: Host ‹forge.internal› on a loopback connection looks like DNS rebinding (set ALLOWED_HOSTS to admit it)",
                    "A reverse proxy on the same machine forwards with its own `Host`.", "Add the name to `ALLOWED_HOSTS`."),
            http("not-found", 404, "not_found", "No gateway '‹docs›'",
                    "No gateway, server, tool (`No tool '…'`), token (`no token with id …`) or service (`no service named '…'`) by that id or name.",
                    "List what exists: `curl -s localhost:4444/gateways -H \"Authorization: Bearer $TOKEN\" | jq '.[].name'`."),
            http("not-found-service", 404, "not_found", "no service named '‹memory›'",
                    "The service manager has no such service (a `POST /services` registration is forgotten at restart).",
                    "`curl -s localhost:9000/services -H \"Authorization: Bearer $TOKEN\" | jq '.[].name'`; keep services in `services.yml`."),
            mcp("not-found-mcp-endpoint", 404, "Not Found: no MCP endpoint ‹/servers/nosuch/mcp›",
                    "A client points at a virtual server or gateway that does not exist.", "Check the name with `GET /servers` or `GET /gateways`."),
            mcp("session-not-found", 404, "Session not found: ‹id› (it expired or was deleted; initialize again)",
                    "An MCP session ended: idle past `session_idle_timeout` (30 min), deleted, Forge restarted without Redis, or another token's "
                            + "session. Clients are expected to initialize again.",
                    "Nothing, if the client reconnects; with replicas, set `REDIS_URL` so any replica knows every session."),
            http("method-not-allowed", 405, "method_not_allowed", "Method Not Allowed: ‹PUT› ‹/mcp› (expected: ‹POST, GET, DELETE›)",
                    "An HTTP method the MCP path does not serve.", "Use one of the methods named (`Allow` header)."),
            mcp("not-acceptable", 406, "Not Acceptable: Accept must include application/json and text/event-stream",
                    "An MCP POST without a usable `Accept` header.", "Send `-H 'Accept: application/json, text/event-stream'`."),
            http("conflict", 409, "conflict", "a gateway named '‹docs›' already exists",
                    "The name is taken (also `is built in (…)` for `router`, `rest`, `local`, and `is reserved for …` for a `services.yml` name), "
                            + "or the state does not allow it (`Gateway '…' is disabled`).",
                    "Use another name, `PUT /gateways/{name}` to change the existing one, or `POST /import?conflict=update`."),
            http("conflict-service", 409, "conflict", "an upstream or service named '‹memory›' already exists",
                    "`POST /services` with a name in use.", "Choose another name, or `DELETE /services/{name}` first."),
            http("needs-configuration-409", 409, "needs_configuration",
                    "service ‹github› needs configuration: ‹GITHUB_TOKEN› ‹is› not set (provide with PUT /services/‹github›/environment, or in the environment at the next start)",
                    "`start`, `wake`, `stop`, `sleep` or `restart` of a service that lacks variables.",
                    "`curl -s -X PUT localhost:9000/services/github/environment -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' -d '{\"GITHUB_TOKEN\": \"…\"}'`."),
            http("too-large", 413, "too_large", "Payload Too Large: ‹9437184 bytes›; request bodies are limited to ‹8› MiB",
                    "A request body over 8 MiB.", "Send less: split an import, or a batch."),
            mcp("unsupported-media-type", 415, "Unsupported Media Type: Content-Type must be application/json, got ‹text/plain›",
                    "An MCP POST without `Content-Type: application/json`.", "Send `-H 'Content-Type: application/json'`."),
            http("invalid", 422, "invalid", "body.‹name›: '‹Bad Name›' (expected: ‹[a-z0-9-]+›)",
                    "A value of the body is out of range or of the wrong kind; the message names the field and what is expected. Nothing was stored.",
                    "Fix the field named and send again."),
            http("invalid-lines", 422, "invalid", "lines: '‹x›' (expected: a positive integer)", "`GET /services/{name}/logs?lines=` not a number.", "`?lines=200`."),
            http("invalid-still-missing", 422, "invalid", "service ‹github› still needs ‹GITHUB_TOKEN›",
                    "`PUT /services/{name}/environment` did not provide every missing variable.", "Send all of those named at once."),
            http("invalid-task", 422, "invalid", "task: missing (expected: the task in words)",
                    "A tool-router query (`POST :8001/route`, `POST /tools`) without `task`.", "`-d '{\"task\": \"add two numbers\"}'`."),
            http("rate-limited", 429, "rate_limited", "Too Many Requests: rate limit exceeded for ‹sub:ci›‹…›; retry after ‹12› s",
                    "More than `RATE_LIMIT_PER_MINUTE` (default 600) requests in a minute from one token subject (or address); "
                            + "`Retry-After` says when. On MCP paths JSON-RPC `-32004`.",
                    "Slow the client, give each client its own token, or raise `RATE_LIMIT_PER_MINUTE` and redeploy."),
            http("rate-limited-auth", 429, "rate_limited", "Too Many Requests: too many failed authentication attempts from ‹203.0.113.7›; retry after ‹41› s",
                    "`AUTH_RATE_LIMIT_PER_MINUTE` (default 10) failed logins from one address: every attempt from it is refused until the minute is up.",
                    "Fix the client's token; wait for the minute. Behind a proxy, set `TRUSTED_PROXIES` so addresses are told apart."),
            http("headers-too-large", 431, "headers_too_large", "Request Header Fields Too Large: request headers are limited to ‹16› KiB",
                    "Request headers over 16 KiB (often a huge cookie or token).", "Send a smaller token or fewer headers."),
            http("internal", 500, "internal", "Internal error",
                    "A failure Forge did not expect; the log has it with the request: `‹METHOD› ‹path›: uncaught failure, answered 500`.",
                    "`grep 'uncaught failure' logs/forge.log`; report it with the stack trace."),
            http("not-implemented", 501, "not_implemented", "tokens cannot be issued: no JWT_SECRET is configured (make generate-secrets writes one)",
                    "`POST /tokens` without `JWT_SECRET` (also: a task query on a gateway running without the tool router role).",
                    "`make generate-secrets`, then redeploy."),
            http("upstream", 502, "upstream", "Upstream '‹docs›' is unavailable¦: ‹…›",
                    "An admin action that needs the upstream (`POST /gateways/{name}/tools/refresh`) found it down.",
                    "See the upstream's `error` in `GET /gateways/{name}`; the Upstreams section says what each one means."),
            http("draining", 503, "unavailable", "Service Unavailable: the gateway is shutting down",
                    "Forge received SIGTERM (stop, redeploy) and drains: new requests are refused with `Retry-After: 5`, calls in flight get 10 s; "
                            + "on MCP paths JSON-RPC `-32001`. `/ready` says `{\"status\":\"stopping\"}`.",
                    "Wait for the new instance (`scripts/deploy-production.sh deploy` waits for health); a balancer routes elsewhere on `/ready` 503."),
            http("error", 500, "error", "‹message›",
                    "The fallback code for a registry refusal with a status other than 400, 404, 409, 422 and 501; none is emitted today.",
                    "Read the message; report it."));

    private HttpErrorEntries() {}
}

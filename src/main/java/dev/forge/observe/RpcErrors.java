package dev.forge.observe;

import static dev.forge.observe.ErrorCatalog.rpc;

import dev.forge.observe.ErrorCatalog.Entry;
import dev.forge.protocol.JsonRpcError;
import java.util.List;

/** The JSON-RPC errors Forge itself puts in MCP answers; an error an upstream returned passes through unchanged. */
final class RpcErrors {

    private static final String HEALTH = "`curl -s localhost:4444/health -H \"Authorization: Bearer $TOKEN\" | jq '.upstreams'`";
    private static final String REFERENCE = " Search the log for the reference: `grep REFERENCE logs/forge.log`.";

    static final List<Entry> ENTRIES = List.of(
            rpc("parse-error", JsonRpcError.PARSE_ERROR, "HTTP 400", "Parse error: ‹Unexpected character…›",
                    "The body is not JSON (or `Parse error: empty body`).", "Fix the client's JSON."),
            rpc("invalid-request", JsonRpcError.INVALID_REQUEST, "HTTP 400", "Invalid Request: ‹jsonrpc must be \"2.0\"›",
                    "JSON, but not a JSON-RPC message; the message says what is wrong.", "Fix the client."),
            rpc("batch-too-large", JsonRpcError.INVALID_REQUEST, "HTTP 400", "Invalid Request: batch of more than ‹100› entries (expected: at most ‹100›, MAX_BATCH_ENTRIES)",
                    "A JSON-RPC batch over `MAX_BATCH_ENTRIES`; nothing of it ran.", "Send smaller batches, or raise `MAX_BATCH_ENTRIES`."),
            rpc("method-not-found", JsonRpcError.METHOD_NOT_FOUND, "", "Method not found: ‹tasks/list›",
                    "A method Forge (or this endpoint) does not serve.", "See API.md, MCP endpoints, for the methods served."),
            rpc("unknown-tool", JsonRpcError.INVALID_PARAMS, "", "Unknown tool: ‹everything__ech›",
                    "No such tool on this endpoint: a typo, a tool that was disabled, an upstream that is down (its tools leave the "
                            + "catalog), or a virtual server that does not list it. (Also `Unknown prompt: …`, `Unknown task: …`.)",
                    "`curl -s localhost:4444/tools -H \"Authorization: Bearer $TOKEN\" | jq '.[].name'`; then " + HEALTH + "."),
            rpc("invalid-params", JsonRpcError.INVALID_PARAMS, "", "Invalid params: ‹tools/call needs a tool name›",
                    "A known method with missing or malformed parameters (a stale pagination cursor: `cursor … was not issued by this server`).",
                    "Fix the client's request."),
            rpc("resource-not-found", JsonRpcError.RESOURCE_NOT_FOUND, "", "Resource not found: ‹demo://resource/x›",
                    "No upstream listed the URI and no template matches it.", "`curl -s localhost:4444/resources -H \"Authorization: Bearer $TOKEN\" | jq '.[].uri'`."),
            rpc("upstream-unreachable", JsonRpcError.UPSTREAM_UNAVAILABLE, "`error.data.failure: unreachable`",
                    "Upstream '‹docs›' ¦is unreachable¦ (¦reference ‹3f9a2c71b0de›)",
                    "The upstream owning the tool is down, its process exited, or its network path is broken.",
                    HEALTH + " shows its `status` and `error`; the Upstreams section explains each." + REFERENCE),
            rpc("upstream-refused", JsonRpcError.UPSTREAM_UNAVAILABLE, "`failure: refused`", "Upstream '‹docs›' ¦refused the request¦ (‹HTTP 403; ›reference ‹r›)",
                    "The upstream answered 401/403, or refused a request of Forge's: the credentials Forge sends it are wrong or expired.",
                    "Update its `headers` (`PUT /gateways/docs`, the value itself, not `***`)." + REFERENCE),
            rpc("upstream-http-error", JsonRpcError.UPSTREAM_UNAVAILABLE, "`failure: http_status`",
                    "Upstream '‹docs›' ¦answered with an HTTP error¦ (‹HTTP 502; ›reference ‹r›)",
                    "The upstream (or a proxy before it) answered with an HTTP error status.", "Look at the upstream's own logs; `last_failure` in " + HEALTH + "." + REFERENCE),
            rpc("upstream-protocol", JsonRpcError.UPSTREAM_UNAVAILABLE, "`failure: protocol_error`", "Upstream '‹docs›' ¦broke the protocol¦ (¦reference ‹r›)",
                    "The upstream sent something that is not MCP (a line of logging on a stdio server's stdout, an answer over `MAX_UPSTREAM_MESSAGE_BYTES`).",
                    "Make the server log to stderr; raise `MAX_UPSTREAM_MESSAGE_BYTES` for large answers." + REFERENCE),
            rpc("circuit-open", JsonRpcError.UPSTREAM_UNAVAILABLE, "",
                    "Upstream '‹docs›' is failing: its circuit breaker opened after repeated failures; it is tried again within ‹30› s",
                    "Half of the last 20 calls failed or timed out; calls fail at once for 30 s, then three trial calls decide.",
                    HEALTH + " shows `circuit_breaker`; fix the upstream, and it closes by itself."),
            rpc("concurrency-limit", JsonRpcError.UPSTREAM_UNAVAILABLE, "",
                    "Upstream '‹docs›' is at its concurrency limit (‹128› calls in flight); try again shortly",
                    "More calls in flight to one upstream than its `max_concurrency`.", "Raise `max_concurrency` for it in `forge.yaml`, or make the upstream faster."),
            rpc("process-cap", JsonRpcError.UPSTREAM_UNAVAILABLE, "",
                    "Upstream '‹everything›' cannot start a process for this session: the gateway runs at most ‹32 for this upstream› (‹MAX_CLIENT_PROCESSES_PER_UPSTREAM›); try again when other sessions have ended",
                    "A `per-client` stdio upstream has a process per client session; the cap is reached.",
                    "Raise `MAX_CLIENT_PROCESSES_PER_UPSTREAM`/`MAX_CLIENT_PROCESSES`, shorten `session_idle_timeout`, or use `session_mode: shared` for a stateless server."),
            rpc("draining-rpc", JsonRpcError.UPSTREAM_UNAVAILABLE, "HTTP 503", "Service Unavailable: the gateway is shutting down",
                    "See HTTP 503 above.", "Retry after `Retry-After`."),
            rpc("upstream-timeout", JsonRpcError.REQUEST_TIMEOUT, "`failure: timed_out`",
                    "Request timed out: upstream '‹docs›' did not answer within ‹30000› ms (reference ‹r›)",
                    "The upstream took longer than its timeout (`WORKER_TIMEOUT`, `timeout`, `tool_timeouts`); it was sent `notifications/cancelled`.",
                    "Raise the tool's timeout (`tool_timeouts: { search: 2m }`) if it is slow by nature; else look at the upstream." + REFERENCE),
            rpc("rate-limited-rpc", JsonRpcError.RATE_LIMITED, "HTTP 429", "Too Many Requests: ‹…›",
                    "Over `RATE_LIMIT_PER_MINUTE`, or one subject holds `MAX_SESSIONS_PER_PRINCIPAL` sessions: "
                            + "`Too many sessions: ‹sub› already holds ‹256› (MAX_SESSIONS_PER_PRINCIPAL); end some with DELETE or let idle ones expire`.",
                    "See HTTP 429 above; a client that leaks sessions should DELETE them."),
            rpc("access-denied", JsonRpcError.ACCESS_DENIED, "HTTP 401/403, or 200 for a tool", "Forbidden: this token may not call ‹docs__search›",
                    "The token lists tools (`tool:` scopes or `tools` claim) and this is not one; HTTP 401/403 refusals carry this code too.",
                    "Issue a token with the tool: `bin/forge token create --env-file .env.production --name ci --tools docs__search`."),
            rpc("header-mismatch", JsonRpcError.HEADER_MISMATCH, "HTTP 400",
                    "Bad Request: the ‹Mcp-Name› header ‹is missing› but the body says '‹echo›' (a modern request repeats them in its headers)",
                    "A modern-era request (MCP 2026-07-28) must repeat its revision (`MCP-Protocol-Version`), method (`Mcp-Method`) and, "
                            + "for `tools/call`, `prompts/get`, `resources/read`, the name (`Mcp-Name`) in headers that agree with its body.",
                    "Fix the client, or the proxy in front of Forge that drops or rewrites these headers."),
            rpc("missing-client-capability", JsonRpcError.MISSING_CLIENT_CAPABILITY, "",
                    "upstream '‹docs›' needs ‹sampling/createMessage› from the client, which did not declare the ‹sampling› capability",
                    "A modern upstream asked for input (sampling, elicitation, roots) that the calling client cannot give.",
                    "Use a client that declares the capability, or a tool that does not need it."),
            rpc("unsupported-protocol-version", JsonRpcError.UNSUPPORTED_PROTOCOL_VERSION, "HTTP 400",
                    "Unsupported protocol version: ‹2099-01-01› (this gateway speaks ‹2026-07-28› per request, and ‹…› after initialize)",
                    "The request's `_meta` names a revision Forge does not speak; `error.data.supported` lists those it does.",
                    "Use a revision from `data.supported`, or `initialize` for the legacy era."),
            rpc("cancelled", JsonRpcError.REQUEST_CANCELLED, "", "Request cancelled: ‹…›",
                    "The client cancelled (`notifications/cancelled`) or went away; the upstream was told.", "Nothing to do."),
            rpc("internal-error", JsonRpcError.INTERNAL_ERROR, "", "Internal error (reference ‹r›)",
                    "A failure Forge did not expect (also `Batch answer too large: …` past `MAX_BATCH_RESPONSE_BYTES`, and "
                            + "`The client session ended` when a server-to-client request lost its client).",
                    "`grep REFERENCE logs/forge.log` finds `unexpected failure, reference …` with the stack trace; report it."));

    private RpcErrors() {}
}

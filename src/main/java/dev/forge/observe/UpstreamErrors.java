package dev.forge.observe;

import static dev.forge.observe.ErrorCatalog.entry;

import dev.forge.observe.ErrorCatalog.Entry;
import dev.forge.observe.ErrorCatalog.Section;
import java.util.List;

/** Why an upstream is not ready: what {@code /health} and the log say about a connection. */
final class UpstreamErrors {

    private static final String HEALTH = "`curl -s localhost:4444/health -H \"Authorization: Bearer $TOKEN\" | jq '.upstreams.NAME'`";

    static final List<Entry> ENTRIES = List.of(
            entry("upstream-retrying", Section.UPSTREAMS, "a warning in the log; `status: failed` in `/health`",
                    "upstream ‹docs› unavailable: ‹…›; retrying in ‹1000› ms",
                    "Forge lost (or never got) the connection to an upstream and retries with backoff, 1 s doubling to 30 s.",
                    HEALTH + " shows `error`; the cases below say what each one means."),
            entry("cannot-reach", Section.UPSTREAMS, "`error` in `/health` and `GET /gateways`",
                    "‹docs›: ¦cannot reach ‹https://docs.example.com/mcp›: ‹docs.example.com›",
                    "No connection: the name does not resolve (DNS: the message ends with the bare host name), the port is closed "
                            + "(`Connection refused`), or TLS failed (`PKIX path building failed`: a certificate the JVM does not trust; "
                            + "`No subject alternative names`: the certificate is for another name).",
                    "From the Forge host: `getent hosts docs.example.com`, then `curl -v https://docs.example.com/mcp`. A private CA: add it to "
                            + "the JVM's trust store (`FORGE_JAVA_OPTS=\"-Djavax.net.ssl.trustStore=…\"`, added after the launcher's default JVM options). Then `POST /gateways/docs/tools/refresh` or wait for the retry."),
            entry("ssrf-refused", Section.UPSTREAMS, "HTTP 422 `invalid` on `POST /gateways` and `POST /tools`",
                    "body.url: '‹http://10.1.2.3/mcp›' refused by the SSRF guard: ‹10.1.2.3› is in a private network range (refused; set SSRF_ALLOW_PRIVATE_NETWORKS=true to allow)",
                    "An upstream URL resolves to a private range, loopback (`SSRF_ALLOW_LOCALHOST=false`), link-local or a cloud metadata "
                            + "address (`is a cloud metadata address (always refused)`). Checked at registration and again at each connection "
                            + "(then the log says `SSRF guard: …`).",
                    "If the upstream is yours and inside your network: `SSRF_ALLOW_PRIVATE_NETWORKS=true` in `.env.production` and redeploy. "
                            + "Metadata and link-local addresses are never allowed."),
            entry("upstream-protocol-version", Section.UPSTREAMS, "`error` in `/health`",
                    "answered initialize with protocol version ‹1.0› (expected one of ‹[…]›)",
                    "The upstream speaks an MCP revision Forge does not.", "Upgrade the upstream server."),
            entry("upstream-not-sse", Section.UPSTREAMS, "`error` in `/health`", "‹https://x/sse› did not answer with text/event-stream",
                    "An `sse` gateway's URL is not an SSE endpoint (often the `/mcp` URL given with `transport: sse`).",
                    "Use `transport: streamable-http` for `/mcp` URLs, `sse` for `/sse` ones."),
            entry("upstream-cannot-start", Section.UPSTREAMS, "`error` in `/health`", "cannot start ‹npx›: ‹…›",
                    "A stdio upstream's program is not on Forge's `PATH`, or not executable.",
                    "`command -v npx` as Forge's user; in process mode `bin/forge` adds the project's peers to `PATH`."),
            entry("upstream-too-many-items", Section.UPSTREAMS, "`error` in `/health`; retried after 30 s",
                    "‹tools/list› offered more than ‹10000› items (expected: at most ‹10000›; MAX_UPSTREAM_LIST_ITEMS)",
                    "The upstream lists more items than `MAX_UPSTREAM_LIST_ITEMS`.", "Raise `MAX_UPSTREAM_LIST_ITEMS`, or expose fewer items upstream."),
            entry("upstream-call-failed", Section.UPSTREAMS, "`error`/`last_failure` in `/health`", "‹initialize› failed: ‹…›",
                    "The upstream answered a request of Forge's with a JSON-RPC error (for `initialize`: it refused to start a session).",
                    "Read the upstream's own message in " + HEALTH + " and its logs."));

    private UpstreamErrors() {}
}

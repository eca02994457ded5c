package dev.forge.observe;

import static dev.forge.observe.ErrorCatalog.entry;

import dev.forge.observe.ErrorCatalog.Entry;
import dev.forge.observe.ErrorCatalog.Section;
import java.util.List;

/** Warnings and errors in the log that want an operator; the per-upstream and per-service ones are in their sections. */
final class LogErrors {

    private static final String WARN = "WARN at start";

    static final List<Entry> ENTRIES = List.of(
            entry("no-keys-loopback-only", Section.LOG, WARN,
                    "no JWT_SECRET or JWT_JWKS_URL: only loopback clients are served (without a token); remote clients get 401. "
                            + "Set JWT_SECRET (make generate-secrets writes one) to serve them",
                    "No key is configured: only clients on this host are served.", "`make generate-secrets`, then `scripts/deploy-production.sh deploy`."),
            entry("auth-off", Section.LOG, WARN,
                    "AUTH_REQUIRED=false: every client is served without a token, with full rights; run this only behind a proxy that authenticates",
                    "`AUTH_REQUIRED=false` is set.", "Remove it unless a proxy in front authenticates every request."),
            entry("bare-number-duration", Section.LOG, WARN, "‹timeout›: ‹30› is read as ‹30› milliseconds; write ‹30›s if seconds were meant",
                    "A bare number in `forge.yaml` or an environment variable is milliseconds, and this one looks like seconds "
                            + "(in `services.yml` the opposite: `is read as … seconds (a bare number is seconds in services.yml)`).",
                    "Add the unit: `30s`."),
            entry("invalid-stored-gateway", Section.LOG, "ERROR at start; `status: invalid` in `GET /gateways`",
                    "gateway '‹docs›' is invalid and not federated: ‹…›",
                    "A stored gateway cannot be used (written by hand or an older version, or sealed with an encryption key that is gone: "
                            + "`cannot be opened with FORGE_ENCRYPTION_KEY (was the key changed?)`). Everything else starts.",
                    "`PUT /gateways/docs` with the full entry (the credential itself, not `***`), or `DELETE /gateways/docs`; for a lost key see RUNBOOK.md, Secrets rotation."),
            entry("catalog-collision", Section.LOG, "WARN; `catalog_problems` in `/health`",
                    "catalog: ‹tool› '‹docs__search›' of upstream '‹docs2›' collides with upstream '‹docs›'; only the latter serves it",
                    "Two upstreams expose the same namespaced name (an unprefixed endpoint, or a gateway named like another's prefix).",
                    "Rename one gateway."),
            entry("catalog-missing", Section.LOG, "WARN; `missing` in `GET /servers`, `catalog_problems` in `/health`",
                    "catalog: ¦server '‹demo›': ‹tool› '‹everything__echo›' is not in the catalog",
                    "A virtual server names a tool, prompt or resource nobody serves now: its upstream is down, disabled or renamed. "
                            + "The server serves the rest; the name comes back with its upstream.",
                    "Bring the upstream back (see Upstreams), or `PUT /servers/demo` without the name."),
            entry("certificate-reload-failed", Section.LOG, "WARN",
                    "HTTPS: the changed certificate files are not used, the current certificate stays: ‹…›",
                    "The certificate files changed (a renewal) but the new pair does not load; Forge keeps serving the old one until it expires.",
                    "Fix the files as the message says (the Start-up TLS entries explain each); Forge retries at the next change."),
            entry("rate-limit-unchecked", Section.LOG, "WARN", "rate limit ‹mcp› could not be checked, letting requests through: ‹…›",
                    "`REDIS_URL` is set and Redis does not answer: rate limits fail open rather than refuse every client.",
                    "`redis-cli -u \"$REDIS_URL\" ping`; start Redis or fix `REDIS_URL`/`REDIS_PASSWORD`."),
            entry("redis-publish-failed", Section.LOG, "WARN", "publishing to ‹forge:registry› on Redis failed: ‹…›",
                    "Redis is down: other replicas learn of registry changes and revocations only at their next periodic reconciliation.",
                    "Bring Redis back; nothing is lost."),
            entry("dynamic-services-unreachable", Section.LOG, "WARN", "‹http://service-manager:9000› is unreachable: ‹…›",
                    "A gateway run apart (`--role gateway`, `FORGE_ENABLE_DYNAMIC_SERVICES=true`) cannot reach the service manager "
                            + "(or gets `answered 401 to GET /services`: another `JWT_SECRET`).",
                    "Check `FORGE_SERVICE_MANAGER_URL` and that both roles share `JWT_SECRET`; `curl -s http://service-manager:9000/health`."),
            entry("upstream-failure-reference", Section.LOG, "WARN", "upstream failure, reference ‹3f9a2c71b0de›: ‹…›",
                    "The detail behind a `-32001` a client was given (URLs masked).", "The detail names the upstream and what failed; see Upstreams."),
            entry("timeout-reference", Section.LOG, "WARN", "upstream ‹docs› did not answer within ‹30000› ms, reference ‹r›",
                    "The detail behind a `-32003`.", "See `upstream-timeout`."),
            entry("unexpected-failure", Section.LOG, "ERROR with a stack trace", "unexpected failure, reference ‹r›",
                    "The detail behind an `Internal error (reference …)`.", "Report it with the stack trace."),
            entry("drain-timeout", Section.LOG, "WARN at shutdown", "stopping with ‹3› calls still in flight after ‹10› s",
                    "Shutdown gave calls in flight 10 s; these were cut off.", "Nothing, unless it happens at every deploy: then drain the balancer first."),
            entry("process-protection-off", Section.LOG, WARN,
                    "process protection: off (FORGE_PROCESS_PROTECTION=false): processes of this user, the servers Forge starts included, "
                            + "can read this process's environment and memory",
                    "Set for debugging with `jcmd`/`jstack`.", "Remove `FORGE_PROCESS_PROTECTION=false` when done, and redeploy."),
            entry("process-protection-incomplete", Section.LOG, WARN, "process protection: incomplete for processes of this user, the servers Forge starts included: ‹…›",
                    "Java 21 (22 or newer is needed), not Linux, or the JVM was started without `bin/forge`.", "Run on JDK 22+ through `bin/forge`."));

    private LogErrors() {}
}

package dev.forge.observe;

import static dev.forge.observe.ErrorCatalog.entry;

import dev.forge.observe.ErrorCatalog.Entry;
import dev.forge.observe.ErrorCatalog.Section;
import java.util.List;

/** What stops {@code forge serve} before it serves: the configuration, the secrets, the port. */
final class StartupErrors {

    private static final String EXIT_2 = "exit 2";
    private static final String EXIT_1 = "exit 1";
    private static final String CHECK = " Check with `bin/forge serve --env-file .env.production` in a terminal: it stops at once on the same error.";

    static final List<Entry> ENTRIES = List.of(
            entry("unset-variable", Section.START_UP, EXIT_2, "‹forge.yaml: gateways[0].env.GITHUB_TOKEN›: environment variable ‹GITHUB_TOKEN› is not set",
                    "`forge.yaml` names `${VAR}` without a default and nobody set it. (In `services.yml` the same only holds that "
                            + "service back, see `needs-configuration`.)",
                    "Set it in `.env.production` (or the environment), or write `${VAR:-default}`; then `scripts/deploy-production.sh deploy`."),
            entry("bad-duration", Section.START_UP, EXIT_2, "‹WORKER_TIMEOUT›: '‹soon›' (expected: a duration such as 500ms, 30s, 2m)",
                    "A timeout that is not a duration. In environment variables and `forge.yaml` a bare number is milliseconds.",
                    "Write `30000`, `30s` or `2m`." + CHECK),
            entry("duration-too-long", Section.START_UP, EXIT_2, "‹idle_timeout›: '‹99999d›' is too long (expected: ¦from 1ms to 36500d¦)",
                    "A duration past a hundred years.", "Use a real duration."),
            entry("bad-size", Section.START_UP, EXIT_2, "‹services.memory.resources.memory›: '‹lots›' (expected: a size such as 256m, 1g or 512MiB)",
                    "A memory size in `services.yml` that is not a size.", "Write `256MB`, `256m`, `1g` or a number of bytes."),
            entry("bad-port", Section.START_UP, EXIT_2, "‹GATEWAY_PORT›: '‹abc›' (expected: a port number 0-65535)",
                    "`GATEWAY_PORT`, `PORT`, `FORGE_SERVICE_MANAGER_PORT`, `TOOL_ROUTER_PORT` or `--port` is not a number.",
                    "Set a number: `GATEWAY_PORT=4444`."),
            entry("port-out-of-range", Section.START_UP, EXIT_2, "‹GATEWAY_PORT›: ‹70000› (expected: 0-65535)",
                    "A port number outside 0-65535.", "Set a port in range."),
            entry("port-in-use", Section.START_UP, EXIT_1, "forge: cannot start: ¦‹Port already in use. Make sure no other process is using port 4444 and try again.›",
                    "Another program (or a Forge already running) holds one of the three ports: gateway 4444, service manager 9000, "
                            + "tool router 8001. `scripts/deploy-production.sh preflight` names it: `port 4444 (gateway) is taken by another program`.",
                    "Find it with `ss -ltnp 'sport = :4444'`; stop it, or `scripts/deploy-production.sh stop` if it is the old Forge, or "
                            + "move Forge with `GATEWAY_PORT`/`FORGE_SERVICE_MANAGER_PORT`/`TOOL_ROUTER_PORT`."),
            entry("tls-pair-mismatch", Section.START_UP, EXIT_1,
                    "forge: cannot start: ¦SSL_KEY_FILE: ‹/ssl/server.key›: is not the key of the certificate in SSL_CERT_FILE ‹/ssl/server.crt› "
                            + "(expected: the pair made together, e.g. certbot's privkey.pem with fullchain.pem)",
                    "HTTPS is on and the key and certificate do not belong together (an old key beside a renewed certificate).",
                    "Point both at one pair: `SSL_CERT_FILE=…/fullchain.pem`, `SSL_KEY_FILE=…/privkey.pem`; check with "
                            + "`openssl x509 -noout -pubkey -in fullchain.pem | openssl sha256` and `openssl pkey -pubout -in privkey.pem | openssl sha256`."),
            entry("tls-file-missing", Section.START_UP, EXIT_1,
                    "forge: cannot start: ¦‹SSL_CERT_FILE›: ‹/ssl/server.crt›: no such file (expected: a PEM file; see docs/OPERATIONS.md, HTTPS)",
                    "A certificate or key file named by `SSL_CERT_FILE`/`SSL_KEY_FILE` (or found in `SSL_DIR`) is not there "
                            + "(also `: not readable by this user (expected: readable by Forge's user)`).",
                    "`ls -l` the file as Forge's user; in compose mode it must be under the mounted `./ssl`."),
            entry("tls-no-certificate", Section.START_UP, EXIT_1,
                    "forge: cannot start: ¦SSL_CERT_FILE: ‹/ssl/server.key›: no certificate (expected: PEM with -----BEGIN CERTIFICATE-----",
                    "The certificate file holds no certificate; with `this file holds a private key` the two settings are swapped.",
                    "Swap `SSL_CERT_FILE` and `SSL_KEY_FILE`, or point at the PEM certificate."),
            entry("tls-key-encrypted", Section.START_UP, EXIT_1,
                    "forge: cannot start: ¦SSL_KEY_FILE: ‹/ssl/server.key›: the key is encrypted (expected: an unencrypted key, "
                            + "readable only by Forge's user; decrypt it once with: openssl pkey -in ‹/ssl/server.key› -out server.key)",
                    "A passphrase-protected key; Forge starts unattended and cannot ask for it.",
                    "Decrypt it once as the message says, `chmod 600` it, owned by Forge's user."),
            entry("bad-plain-http", Section.START_UP, EXIT_2, "SSL_PLAIN_HTTP: '‹allow›' (expected: redirect | refuse)",
                    "Unknown value.", "`redirect` (the default: 308 to https) or `refuse` (400)."),
            entry("weak-secret", Section.START_UP, EXIT_2, "JWT_SECRET¦: ‹5› characters (expected: at least ¦32¦ in production; make generate-secrets writes one)",
                    "`NODE_ENV`/`FORGE_ENV` is `production` and `JWT_SECRET` (or `JWT_SECRET_KEY`) is shorter than 32 characters.",
                    "`make generate-secrets FORCE=1` (writes `.env.production`, mode 600), then `scripts/deploy-production.sh deploy`."),
            entry("short-encryption-key", Section.START_UP, EXIT_2, "FORGE_ENCRYPTION_KEY: ‹12› characters (expected: at least ¦32¦)",
                    "`FORGE_ENCRYPTION_KEY` (or `ENCRYPTION_KEY`) is shorter than 32 characters.",
                    "`make generate-secrets` writes one if none is set. Replacing a key in use needs the rotation: see RUNBOOK.md, Secrets rotation."),
            entry("previous-key-alone", Section.START_UP, EXIT_2,
                    "FORGE_ENCRYPTION_KEY_PREVIOUS: set without FORGE_ENCRYPTION_KEY (expected: the new key in FORGE_ENCRYPTION_KEY, the one it replaces in FORGE_ENCRYPTION_KEY_PREVIOUS)",
                    "A rotation half done: the old key is set, the new one is not.", "Set the new key in `FORGE_ENCRYPTION_KEY`, or remove `FORGE_ENCRYPTION_KEY_PREVIOUS`."),
            entry("config-path-not-directory", Section.START_UP, EXIT_2, "CONFIG_PATH: '‹/etc/forge.yaml›' (expected: a directory)",
                    "`CONFIG_PATH` names a file or nothing that exists; it must be the directory holding `forge.yaml` and `services.yml`.",
                    "`CONFIG_PATH=/opt/forge-mcp-gateway/config` (the directory), or unset it and pass `--config FILE`."),
            entry("config-file-missing", Section.START_UP, EXIT_2, "--config: ‹my.yaml› (expected: an existing file)",
                    "`--config` names a file that does not exist.", "Give the path of an existing `forge.yaml`."),
            entry("seed-files", Section.START_UP, EXIT_1, "forge: cannot start: ¦CONFIG_PATH: ‹gateways.txt:3: …›",
                    "A malformed line in `gateways.txt`, `prompts.txt` or `resources.txt` in `CONFIG_PATH` (or, with "
                            + "`CONFIG_PATH: seed files: …`, a line the registry refused); nothing of the directory was imported.",
                    "Fix the line named; try it with `bin/forge import --seed-dir config/ --env-file .env.production --dry-run`."),
            entry("invalid-yaml", Section.START_UP, EXIT_2, "‹config/forge.yaml›: not valid YAML: ‹…›", "The file does not parse.",
                    "Fix the line the message names; `python3 -c 'import yaml,sys; yaml.safe_load(open(sys.argv[1]))' config/forge.yaml` shows the same."),
            entry("unknown-key", Section.START_UP, EXIT_2, "‹forge.yaml: gateways[0]›: unknown key '‹comand›' (expected one of: ‹[…]›)",
                    "A misspelt or unsupported key (typos are not ignored).", "Use one of the keys listed; CONFIGURATION.md describes each."),
            entry("bad-name", Section.START_UP, EXIT_2, "‹forge.yaml: gateways[1]›.name: '‹Bad_Name›' (expected: [a-z0-9-]+)",
                    "Gateway, server and service names are lower case letters, digits and `-` (they become tool prefixes).", "Rename it."),
            entry("duplicate-name", Section.START_UP, EXIT_2, "‹forge.yaml: gateways[2]›.name: '‹docs›' is used twice (expected: unique names)",
                    "Two entries of one list share a name.", "Rename one."),
            entry("service-named-like-gateway", Section.START_UP, EXIT_1,
                    "forge: cannot start: ¦services.yml: service '‹memory›' has the name of a gateway (expected: names unique across gateways and services)",
                    "A `services.yml` service and a `forge.yaml` gateway share a name (both become the same tool prefix).", "Rename one."),
            entry("router-name", Section.START_UP, EXIT_1, "forge: cannot start: ¦gateways: the name '‹router›' is the tool router's own (expected: another name)",
                    "A gateway took the name of the tool router's built-in upstream.", "Rename the gateway."),
            entry("bad-transport", Section.START_UP, EXIT_2, "‹forge.yaml: gateways[0]›.transport: '‹http›' (expected: stdio | streamable-http | sse)",
                    "Unknown transport.", "Use `stdio`, `streamable-http` or `sse`."),
            entry("bad-url", Section.START_UP, EXIT_2, "‹forge.yaml: gateways[0]›.url: ‹ftp://…› (expected: http:// or https:// URL)",
                    "A remote gateway's URL is missing or not HTTP(S).", "Give the full `https://host/mcp` URL."),
            entry("bad-http-setting", Section.START_UP, EXIT_2, "‹FORGE_SERVICE_MANAGER_URL›: ‹…› (expected: an http:// or https:// URL)",
                    "`FORGE_SERVICE_MANAGER_URL`, `FORGE_GATEWAY_URL`, `JWT_JWKS_URL` or `PUBLIC_URL` is not an HTTP(S) URL.",
                    "Compose: `http://service-manager:9000`; one process: leave it unset."),
            entry("service-command-missing", Section.START_UP, EXIT_2, "‹services.yml: services.memory›.command: missing (expected: the command that starts the stdio MCP server)",
                    "A service without `command`.", "Add the command, e.g. `command: npx -y @modelcontextprotocol/server-memory`."),
            entry("translate-wrapper-remote", Section.START_UP, EXIT_2, "‹services.yml: services.x.command›: '‹--connect-sse›' bridges a remote server, not a local one (expected: ",
                    "The seed's `forge.translate` wrapper in a mode that connects to a remote server; the service manager runs local servers.",
                    "Register the remote server as a gateway (`POST /gateways`) and remove the service."),
            entry("bad-priority", Section.START_UP, EXIT_2, "‹services.yml: services.x.sleep_policy.priority›: '‹urgent›' (expected: low | normal | high | critical)",
                    "Unknown priority.", "Use `low`, `normal`, `high` or `critical`."),
            entry("bad-boolean", Section.START_UP, EXIT_2, "‹FORGE_PROCESS_PROTECTION›: '‹maybe›' (expected: true | false)",
                    "A true/false setting (`AUTH_REQUIRED`, `SKIP_MIGRATIONS`, `PROMETHEUS_ENABLED`, `FORGE_ENABLE_DYNAMIC_SERVICES`, …) with another value.",
                    "Write `true` or `false`."),
            entry("bad-log-level", Section.START_UP, EXIT_2, "LOG_LEVEL: '‹verbose›' (expected: trace | debug | info | warn | error)",
                    "Unknown log level.", "Use one of those (`warning` and `critical` are accepted too)."),
            entry("bad-log-file", Section.START_UP, EXIT_2, "LOG_FILE: '‹logs›' is a directory (expected: a file)",
                    "`LOG_FILE` names a directory (or, with `(expected: a file in a writable directory; …)`, one Forge cannot create).",
                    "Point it at a file: `LOG_FILE=logs/forge.log`."),
            entry("bad-database-url", Section.START_UP, EXIT_2, "DATABASE_URL¦: '‹mysql://…›' (expected: sqlite:///path/to/file.db or postgresql://user:pass@host:5432/db)",
                    "Neither an SQLite nor a PostgreSQL URL (the password is masked in the message).",
                    "`sqlite:///./data/mcp.db` (relative), `sqlite:////data/mcp.db` (absolute) or `postgresql://user:pass@host:5432/db`."),
            entry("bad-redis-url", Section.START_UP, EXIT_2, "REDIS_URL: ‹…› (expected: redis://[:password@]host:port[/db], with / @ : in the password percent-encoded)",
                    "`REDIS_URL` is not a Redis URL, often because of an unencoded `/`, `@` or `:` in the password.",
                    "Percent-encode the password, or put it in `REDIS_PASSWORD` and leave it out of the URL."),
            entry("bad-max-workers", Section.START_UP, EXIT_2, "MAX_WORKERS: '‹0›' (expected: an integer >= 1)",
                    "`MAX_WORKERS` is not a positive integer (`bin/forge` says the same before the JVM starts).", "Set `MAX_WORKERS=4`, or unset it (one per core)."),
            entry("bad-default-role", Section.START_UP, EXIT_2, "JWT_DEFAULT_ROLE: '‹root›' (expected: admin | developer | viewer)",
                    "Unknown role.", "Use `admin`, `developer` or `viewer`."),
            entry("forge-key-inherited", Section.START_UP, EXIT_2, "‹forge.yaml: gateways[0].inherit_env[0]›: ‹JWT_SECRET› is Forge's own and is never passed to a server",
                    "`inherit_env` names one of Forge's own secrets; they never reach the servers Forge starts.",
                    "Give the server a credential of its own in `env`."),
            entry("forge-key-in-env", Section.START_UP, EXIT_2, "‹forge.yaml: gateways[0]›.env.‹TOKEN›: carries Forge's own ‹JWT_SECRET›",
                    "A server's `env` (or `command`) holds the value of one of Forge's secrets.", "Give the server a credential of its own."),
            entry("env-file-unreadable", Section.START_UP, EXIT_2, "--env-file: ‹.env.production›: cannot read (‹…›)",
                    "The env file is missing or not readable by Forge's user.",
                    "`ls -l .env.production`; it should be `-rw-------` and owned by Forge's user."),
            entry("env-file-bad-line", Section.START_UP, EXIT_2, "--env-file: ‹.env.production›:‹7›: expected KEY=VALUE",
                    "A line of the env file is neither `KEY=VALUE`, a comment nor blank.", "Fix the line named."));

    private StartupErrors() {}
}

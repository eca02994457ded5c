package dev.forge.config;

import dev.forge.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Builds a {@link ForgeConfig}: command-line flags beat environment variables, which beat {@code forge.yaml}.
 * Every mistake stops start-up with a message that names the file or variable and the field.
 */
public final class ConfigLoader {

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");
    private static final Set<String> TOP_KEYS = Set.of("host", "port", "separator", "connect_timeout",
            "request_timeout", "session_idle_timeout", "task_after", "gateways", "servers");
    private static final Set<String> GATEWAY_KEYS = Set.of("name", "transport", "command", "env", "inherit_env", "url", "headers",
            "timeout", "session_mode", "tool_timeouts", "max_concurrency", "health_check_interval", "description");
    private static final Set<String> SERVER_KEYS = Set.of("name", "tools", "resources", "prompts");

    /** Shorter secrets are refused in production; HS256 wants at least 256 bits of key. */
    static final int MIN_SECRET_LENGTH = 32;

    private final Map<String, String> env;
    private final boolean fromOperatorFiles;

    public ConfigLoader(Map<String, String> env) {
        this(env, true);
    }

    private ConfigLoader(Map<String, String> env, boolean fromOperatorFiles) {
        this.env = Map.copyOf(env);
        this.fromOperatorFiles = fromOperatorFiles;
    }

    /**
     * For entries sent to the API: nothing of the server's environment is reachable from them — no {@code ${VAR}}
     * expansion, no {@code inherit_env} — or an admin token could read any variable through a server that prints
     * its environment.
     */
    public static ConfigLoader forRequestBodies() {
        return new ConfigLoader(Map.of(), false);
    }

    /**
     * For entries read back from the registry: as stored, no {@code ${VAR}} expansion; {@code inherit_env} is kept,
     * since only forge.yaml's entries (bootstrapped into the registry) can have one.
     */
    public static ConfigLoader forStoredEntries() {
        return new ConfigLoader(Map.of(), true);
    }

    /** Command-line values; null means not given. */
    public record Flags(Path configFile, Integer port, String host, String role) {
        public Flags(Path configFile, Integer port, String host) {
            this(configFile, port, host, null);
        }

        public static Flags none() {
            return new Flags(null, null, null, null);
        }
    }

    public ForgeConfig load(Flags flags) {
        Path file = configFile(flags);
        String where = file == null ? "forge.yaml" : file.toString();
        ObjectNode root = file == null ? Json.object() : readYaml(file);
        checkKeys(where, root, TOP_KEYS);

        String host = firstOf(flags.host(), env("GATEWAY_HOST"), env("HOST"), text(where, root, "host"), "0.0.0.0");
        int port = flags.port() != null ? checkPort("--port", flags.port())
                : env("GATEWAY_PORT") != null ? parsePort("GATEWAY_PORT", env("GATEWAY_PORT"))
                : env("PORT") != null ? parsePort("PORT", env("PORT"))
                : root.has("port") ? parsePort(where + ": port", root.get("port").asString()) : 4444;
        String separator = firstOf(text(where, root, "separator"), "__");
        if (separator.isEmpty() || separator.chars().anyMatch(Character::isWhitespace)) {
            throw new ConfigException(where + ": separator: '" + separator + "' (expected: non-empty, no spaces)");
        }
        Duration connect = env("CONNECTION_TIMEOUT") != null ? Durations.parse("CONNECTION_TIMEOUT", env("CONNECTION_TIMEOUT"))
                : duration(where, root, "connect_timeout", Duration.ofSeconds(10));
        Duration request = env("WORKER_TIMEOUT") != null ? Durations.parse("WORKER_TIMEOUT", env("WORKER_TIMEOUT"))
                : duration(where, root, "request_timeout", Duration.ofSeconds(30));
        Duration idle = duration(where, root, "session_idle_timeout", Duration.ofMinutes(30));
        Duration taskAfter = taskAfter(where, root);
        if (taskAfter != null && taskAfter.compareTo(request) >= 0) { // the request would time out before its task is made
            throw new ConfigException("task_after / MCP_TASK_AFTER: " + taskAfter.toMillis() + " ms (expected: less than the request"
                    + " timeout, " + request.toMillis() + " ms, or off)");
        }
        String logLevel = parseLogLevel(firstOf(env("LOG_LEVEL"), "info"));
        String mode = firstOf(env("FORGE_ENV"), env("NODE_ENV"), "development");
        boolean prometheus = parseBoolean("PROMETHEUS_ENABLED", firstOf(env("PROMETHEUS_ENABLED"), "true"));

        List<UpstreamConfig> gateways = gateways(where, root.get("gateways"), request);
        List<VirtualServerConfig> servers = servers(where, root.get("servers"));
        String dataPath = firstOf(env("DATA_PATH"), "./data");
        DatabaseUrl database = env("DATABASE_URL") != null ? DatabaseUrl.parse("DATABASE_URL", env("DATABASE_URL"))
                : DatabaseUrl.parse("DATA_PATH", "sqlite:///" + dataPath + "/mcp.db");
        boolean skipMigrations = parseBoolean("SKIP_MIGRATIONS", firstOf(env("SKIP_MIGRATIONS"), "false"));
        Set<String> allowedHosts = commaList(env("ALLOWED_HOSTS"));
        Set<String> allowedOrigins = commaList(env("ALLOWED_ORIGINS"));
        Set<ServerRole> roles = ServerRole.parse("--role", flags.role());
        if (env("MAX_WORKERS") != null && count("MAX_WORKERS", env("MAX_WORKERS"), 1) < 1) { // applied by bin/forge to the JVM
            throw new ConfigException("MAX_WORKERS: '" + env("MAX_WORKERS") + "' (expected: an integer >= 1)");
        }
        processProtection(); // applied by `forge serve` and `forge translate` themselves, before anything starts
        TlsConfig tls = tls();
        return new ForgeConfig(host, port, separator, connect, request, idle, logLevel,
                mode.equalsIgnoreCase("production"), prometheus, gateways, servers, database, skipMigrations,
                allowedHosts, allowedOrigins, security(), roles, serviceManager(file, request, tls), null, router(tls), upstreamLimits(),
                env("CONFIG_PATH") == null ? null : Path.of(env("CONFIG_PATH")), tls, taskAfter, tracing());
    }

    /**
     * {@code MCP_TASK_AFTER} over {@code task_after}: how long a modern client's tool call runs before it is answered
     * with a task handle; {@code off} never makes one (and the tasks extension is not offered).
     */
    private Duration taskAfter(String where, JsonNode root) {
        String text = env("MCP_TASK_AFTER") != null ? env("MCP_TASK_AFTER") : text(where, root, "task_after");
        String named = env("MCP_TASK_AFTER") != null ? "MCP_TASK_AFTER" : where + ": task_after";
        if (text == null) {
            return ForgeConfig.DEFAULT_TASK_AFTER;
        }
        return text.trim().equalsIgnoreCase("off") ? null : Durations.parse(named, text);
    }

    /**
     * HTTPS: on with {@code SSL_ENABLED=true} or when {@code SSL_KEY_FILE} is named, off with {@code SSL_ENABLED=false}.
     * The files default to the deployment guide's {@code server.crt} and {@code server.key} in {@code SSL_DIR}; they
     * are read (and checked) when the listeners start. {@code SSL_CERT_FILE} names Forge's certificate only beside
     * {@code SSL_KEY_FILE}: on its own it is OpenSSL's, curl's and Python's CA bundle, which many machines and images
     * set for every process (and Forge passes on to the servers it starts).
     */
    public TracingConfig tracing() {
        String base = env("OTEL_EXPORTER_OTLP_ENDPOINT");
        String traces = env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        if (base == null && traces == null) {
            return TracingConfig.OFF;
        }
        String protocol = firstOf(env("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"), env("OTEL_EXPORTER_OTLP_PROTOCOL"), "http/protobuf");
        if (!protocol.equals("http/protobuf")) {
            throw new ConfigException("OTEL_EXPORTER_OTLP_PROTOCOL: '" + protocol + "' (expected: http/protobuf; Forge exports"
                    + " OTLP over HTTP, usually the collector's port 4318)");
        }
        // the base endpoint gets the signal's path; the traces endpoint is used as it is (the OpenTelemetry rule)
        String url = traces != null ? traces : base.replaceAll("/+$", "") + "/v1/traces";
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new ConfigException((traces != null ? "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" : "OTEL_EXPORTER_OTLP_ENDPOINT")
                    + ": '" + url + "' (expected: an http:// or https:// URL, e.g. http://collector:4318)");
        }
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (String pair : firstOf(env("OTEL_EXPORTER_OTLP_HEADERS"), "").split(",")) {
            int eq = pair.indexOf('=');
            if (pair.isBlank()) {
                continue;
            }
            if (eq < 1) { // the value is likely a secret: the message names the variable, not what it holds
                throw new ConfigException("OTEL_EXPORTER_OTLP_HEADERS: an entry is not key=value (expected: key1=value1,key2=value2)");
            }
            headers.put(pair.substring(0, eq).trim(), java.net.URLDecoder.decode(pair.substring(eq + 1).trim(), java.nio.charset.StandardCharsets.UTF_8));
        }
        double ratio;
        try {
            ratio = Double.parseDouble(firstOf(env("OTEL_TRACES_SAMPLER_ARG"), "1.0"));
        } catch (NumberFormatException e) {
            throw new ConfigException("OTEL_TRACES_SAMPLER_ARG: '" + env("OTEL_TRACES_SAMPLER_ARG") + "' (expected: a ratio from 0 to 1)");
        }
        Duration delay = Durations.parse("OTEL_BSP_SCHEDULE_DELAY", firstOf(env("OTEL_BSP_SCHEDULE_DELAY"), "5000"));
        return new TracingConfig(url, firstOf(env("OTEL_SERVICE_NAME"), "forge"), headers, ratio, delay);
    }

    public TlsConfig tls() {
        String key = env("SSL_KEY_FILE");
        String cert = key == null ? null : env("SSL_CERT_FILE");
        boolean enabled = env("SSL_ENABLED") != null ? parseBoolean("SSL_ENABLED", env("SSL_ENABLED")) : key != null;
        String dir = firstOf(env("SSL_DIR"), TlsConfig.DEFAULT_DIR);
        TlsConfig.PlainHttp plain = switch (firstOf(env("SSL_PLAIN_HTTP"), "redirect").trim().toLowerCase(java.util.Locale.ROOT)) {
            case "redirect" -> TlsConfig.PlainHttp.REDIRECT;
            case "refuse" -> TlsConfig.PlainHttp.REFUSE;
            default -> throw new ConfigException("SSL_PLAIN_HTTP: '" + env("SSL_PLAIN_HTTP") + "' (expected: redirect | refuse)");
        };
        Duration interval = env("SSL_RELOAD_INTERVAL") == null ? TlsConfig.DEFAULT_RELOAD_INTERVAL
                : Durations.parse("SSL_RELOAD_INTERVAL", env("SSL_RELOAD_INTERVAL"));
        return new TlsConfig(enabled, Path.of(firstOf(cert, dir + "/server.crt")), Path.of(firstOf(key, dir + "/server.key")),
                plain, interval);
    }

    /** What one upstream may cost: message size, list size, per-client processes (see {@link UpstreamLimits}). */
    public UpstreamLimits upstreamLimits() {
        UpstreamLimits d = UpstreamLimits.DEFAULTS;
        return new UpstreamLimits(
                count("MAX_UPSTREAM_MESSAGE_BYTES", env("MAX_UPSTREAM_MESSAGE_BYTES"), d.maxMessageBytes()),
                count("MAX_UPSTREAM_LIST_ITEMS", env("MAX_UPSTREAM_LIST_ITEMS"), d.maxListItems()),
                count("MAX_CLIENT_PROCESSES_PER_UPSTREAM", env("MAX_CLIENT_PROCESSES_PER_UPSTREAM"), d.maxClientProcessesPerUpstream()),
                count("MAX_CLIENT_PROCESSES", env("MAX_CLIENT_PROCESSES"), d.maxClientProcessesTotal()));
    }

    /**
     * {@code FORGE_PROCESS_PROTECTION}: whether the serving process makes itself non-dumpable, so that the servers it
     * starts (same user) cannot read its environment or memory through /proc. On unless set to false, for operators
     * who attach jcmd or jstack as the same user.
     */
    public boolean processProtection() {
        return parseBoolean("FORGE_PROCESS_PROTECTION", firstOf(env("FORGE_PROCESS_PROTECTION"), "true"));
    }

    private RouterConfig router(TlsConfig tls) {
        int routerPort = env("TOOL_ROUTER_PORT") != null ? parsePort("TOOL_ROUTER_PORT", env("TOOL_ROUTER_PORT")) : 8001;
        String server = firstOf(env("TOOL_ROUTER_SERVER"), "router");
        if (!NAME.matcher(server).matches()) {
            throw new ConfigException("TOOL_ROUTER_SERVER: '" + server + "' (expected: [a-z0-9-]+)");
        }
        String gatewayPort = firstOf(env("GATEWAY_PORT"), env("PORT"), "4444");
        URI gatewayUrl = httpUrl("FORGE_GATEWAY_URL", firstOf(env("FORGE_GATEWAY_URL"), tls.scheme() + "://127.0.0.1:" + gatewayPort));
        String embeddings = firstOf(env("TOOL_ROUTER_EMBEDDINGS"), "on").strip().toLowerCase(java.util.Locale.ROOT);
        boolean on = switch (embeddings) {
            case "on", "true", "1", "yes" -> true;
            case "off", "false", "0", "no" -> false;
            default -> throw new ConfigException("TOOL_ROUTER_EMBEDDINGS: '" + embeddings + "' (expected: on or off)");
        };
        return new RouterConfig(routerPort, server, gatewayUrl, on, remoteModel("TOOL_ROUTER_EMBEDDINGS"), remoteModel("TOOL_ROUTER_RERANK"));
    }

    /** PREFIX_URL, PREFIX_MODEL and PREFIX_KEY: a model served over HTTP, or null when PREFIX_URL is not set. */
    private RemoteModel remoteModel(String prefix) {
        URI url = httpUrl(prefix + "_URL", env(prefix + "_URL"));
        if (url == null) {
            return null;
        }
        String model = env(prefix + "_MODEL");
        if (model == null || model.isBlank()) {
            throw new ConfigException(prefix + "_MODEL: not set (expected: the model's name at " + url + ")");
        }
        return new RemoteModel(url, model.strip(), env(prefix + "_KEY"));
    }

    /**
     * The service manager's settings; services come from {@code services.yml} in {@code CONFIG_PATH}, else beside
     * the {@code --config} file.
     */
    private ServiceManagerConfig serviceManager(Path configFile, Duration requestTimeout, TlsConfig tls) {
        int smPort = env("FORGE_SERVICE_MANAGER_PORT") != null
                ? parsePort("FORGE_SERVICE_MANAGER_PORT", env("FORGE_SERVICE_MANAGER_PORT")) : 9000;
        Path servicesFile = env("CONFIG_PATH") != null ? Path.of(env("CONFIG_PATH"), "services.yml")
                : configFile != null && configFile.toAbsolutePath().getParent() != null
                ? configFile.toAbsolutePath().getParent().resolve("services.yml") : null;
        ServicesFile.Loaded services = new ServicesFile(this, requestTimeout,
                servicesFile == null ? null : servicesFile.toAbsolutePath().getParent()).read(servicesFile);
        boolean dynamic = parseBoolean("FORGE_ENABLE_DYNAMIC_SERVICES", firstOf(env("FORGE_ENABLE_DYNAMIC_SERVICES"), "false"));
        URI managerUrl = httpUrl("FORGE_SERVICE_MANAGER_URL", firstOf(env("FORGE_SERVICE_MANAGER_URL"), tls.scheme() + "://127.0.0.1:" + smPort));
        return new ServiceManagerConfig(smPort, services.services(), services.unconfigured(), dynamic, managerUrl);
    }

    /** The security settings, from environment variables only (secrets do not belong in forge.yaml). */
    public SecurityConfig security() {
        boolean production = firstOf(env("FORGE_ENV"), env("NODE_ENV"), "development").equalsIgnoreCase("production");
        String secretName = env("JWT_SECRET") != null ? "JWT_SECRET" : "JWT_SECRET_KEY";
        String secret = env(secretName);
        if (secret != null && secret.length() < MIN_SECRET_LENGTH && production) {
            throw new ConfigException(secretName + ": " + secret.length() + " characters (expected: at least "
                    + MIN_SECRET_LENGTH + " in production; make generate-secrets writes one)");
        }
        String role = firstOf(env("JWT_DEFAULT_ROLE"), "developer").toLowerCase(java.util.Locale.ROOT);
        if (!Set.of("admin", "developer", "viewer").contains(role)) {
            throw new ConfigException("JWT_DEFAULT_ROLE: '" + role + "' (expected: admin | developer | viewer)");
        }
        String audit = env("AUDIT_LOG_PATH");
        Path auditLog = "off".equalsIgnoreCase(audit) ? null
                : Path.of(audit != null ? audit : firstOf(env("DATA_PATH"), "./data") + "/logs/audit.log");
        Duration retention = Durations.parse("LOG_RETENTION", firstOf(env("LOG_RETENTION"), "7d"));
        String encryptionKey = firstOf(env("FORGE_ENCRYPTION_KEY"), env("ENCRYPTION_KEY"));
        if (encryptionKey != null && encryptionKey.length() < MIN_SECRET_LENGTH) {
            throw new ConfigException("FORGE_ENCRYPTION_KEY: " + encryptionKey.length() + " characters (expected: at least "
                    + MIN_SECRET_LENGTH + ")");
        }
        String previousEncryptionKey = env("FORGE_ENCRYPTION_KEY_PREVIOUS");
        if (previousEncryptionKey != null && encryptionKey == null) {
            throw new ConfigException("FORGE_ENCRYPTION_KEY_PREVIOUS: set without FORGE_ENCRYPTION_KEY (expected: the new key in "
                    + "FORGE_ENCRYPTION_KEY, the one it replaces in FORGE_ENCRYPTION_KEY_PREVIOUS)");
        }
        return new SecurityConfig(
                parseBoolean("AUTH_REQUIRED", firstOf(env("AUTH_REQUIRED"), "true")),
                secret,
                httpUrl("JWT_JWKS_URL", env("JWT_JWKS_URL")),
                env("JWT_AUDIENCE"),
                env("JWT_ISSUER"),
                role,
                parseBoolean("METRICS_PUBLIC", firstOf(env("METRICS_PUBLIC"), "true")),
                firstOf(env("BASIC_AUTH_USER"), "admin"),
                env("BASIC_AUTH_PASSWORD"),
                List.copyOf(commaList(firstOf(env("OAUTH_AUTHORIZATION_SERVERS"), env("JWT_ISSUER")))),
                httpUrl("PUBLIC_URL", env("PUBLIC_URL")),
                count("RATE_LIMIT_PER_MINUTE", env("RATE_LIMIT_PER_MINUTE"), SecurityConfig.DEFAULT_RATE_LIMIT),
                count("AUTH_RATE_LIMIT_PER_MINUTE", env("AUTH_RATE_LIMIT_PER_MINUTE"), SecurityConfig.DEFAULT_AUTH_RATE_LIMIT),
                redisUrl(),
                encryptionKey,
                previousEncryptionKey,
                parseBoolean("SSRF_ALLOW_PRIVATE_NETWORKS", firstOf(env("SSRF_ALLOW_PRIVATE_NETWORKS"), "false")),
                parseBoolean("SSRF_ALLOW_LOCALHOST", firstOf(env("SSRF_ALLOW_LOCALHOST"), "true")),
                count("MAX_SESSIONS_PER_PRINCIPAL", env("MAX_SESSIONS_PER_PRINCIPAL"), SecurityConfig.DEFAULT_MAX_SESSIONS),
                parseBoolean("CORS_ENABLED", firstOf(env("CORS_ENABLED"), "false")),
                auditLog,
                retention,
                parseBoolean("AUDIT_TOOL_ARGUMENTS", firstOf(env("AUDIT_TOOL_ARGUMENTS"), "false")),
                commaList(env("TRUSTED_PROXIES")),
                null,
                production,
                ChildEnvironment.of(childVisible()),
                batchLimits());
    }

    /**
     * What the processes Forge starts may be given of its environment: when {@code SSL_CERT_FILE} names the certificate
     * Forge serves, a child's OpenSSL, curl or Python would take it for its CA bundle and then trust nothing else.
     */
    private Map<String, String> childVisible() {
        if (env("SSL_CERT_FILE") == null || env("SSL_KEY_FILE") == null || !tls().enabled()) {
            return env;
        }
        Map<String, String> visible = new java.util.HashMap<>(env);
        visible.remove("SSL_CERT_FILE");
        return visible;
    }

    /** {@code MAX_BATCH_ENTRIES} and {@code MAX_BATCH_RESPONSE_BYTES}; a batch cap of 0 would refuse every batch. */
    private BatchLimits batchLimits() {
        int entries = count("MAX_BATCH_ENTRIES", env("MAX_BATCH_ENTRIES"), BatchLimits.DEFAULT_MAX_ENTRIES);
        int answerBytes = count("MAX_BATCH_RESPONSE_BYTES", env("MAX_BATCH_RESPONSE_BYTES"), BatchLimits.DEFAULT_MAX_ANSWER_BYTES);
        if (entries < 1) {
            throw new ConfigException("MAX_BATCH_ENTRIES: " + entries + " (expected: an integer >= 1)");
        }
        if (answerBytes < 1024) {
            throw new ConfigException("MAX_BATCH_RESPONSE_BYTES: " + answerBytes + " (expected: an integer >= 1024)");
        }
        return new BatchLimits(entries, answerBytes);
    }

    /** {@code REDIS_URL}, with {@code REDIS_PASSWORD} filled in when the URL carries none. */
    private URI redisUrl() {
        String text = env("REDIS_URL");
        if (text == null) {
            return null;
        }
        URI uri;
        try {
            uri = URI.create(text.trim());
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || !("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new ConfigException("REDIS_URL: " + shown(uri, text) + " (expected: redis://[:password@]host:port[/db], "
                    + "with / @ : in the password percent-encoded)");
        }
        String password = env("REDIS_PASSWORD");
        if (password != null && uri.getUserInfo() == null) {
            uri = URI.create(uri.getScheme() + "://:" + java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8)
                    + "@" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath()));
        }
        return uri;
    }

    /**
     * A refused URL as an error may show it: masked when it parsed; when it did not, nothing of it, for the reason it
     * failed may be a password with a space or a slash that masking cannot find.
     */
    private static String shown(URI parsed, String text) {
        return parsed != null ? "'" + MaskedUrl.of(text) + "'" : "not a valid URL";
    }

    private static URI httpUrl(String where, String text) {
        if (text == null) {
            return null;
        }
        URI parsed = null;
        try {
            URI uri = URI.create(text.trim());
            parsed = uri;
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new ConfigException(where + ": " + shown(parsed, text) + " (expected: an http:// or https:// URL)");
    }

    private static int count(String where, String text, int fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(where + ": '" + text + "' (expected: an integer >= 0)");
    }

    private Path configFile(Flags flags) {
        if (flags.configFile() != null) {
            if (!Files.isRegularFile(flags.configFile())) {
                throw new ConfigException("--config: " + flags.configFile() + " (expected: an existing file)");
            }
            return flags.configFile();
        }
        String dir = env("CONFIG_PATH");
        if (dir != null) {
            Path candidate = Path.of(dir, "forge.yaml");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            if (!Files.isDirectory(Path.of(dir))) {
                throw new ConfigException("CONFIG_PATH: '" + dir + "' (expected: a directory)");
            }
        }
        return null;
    }

    ObjectNode readYaml(Path file) {
        JsonNode tree;
        try {
            tree = new YAMLMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read (" + e.getMessage() + ")");
        } catch (JacksonException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getOriginalMessage());
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return Json.object();
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new ConfigException(file + ": expected a mapping at the top level");
        }
        return object;
    }

    private List<UpstreamConfig> gateways(String where, JsonNode list, Duration defaultTimeout) {
        List<UpstreamConfig> result = new ArrayList<>();
        if (list == null || list.isNull()) {
            return result;
        }
        if (!list.isArray()) {
            throw new ConfigException(where + ": gateways: expected a list");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = where + ": gateways[" + i + "]";
            JsonNode g = list.get(i);
            if (!g.isObject()) {
                throw new ConfigException(at + ": expected a mapping");
            }
            checkKeys(at, g, GATEWAY_KEYS);
            String name = requiredName(at, g);
            if (!names.add(name)) {
                throw new ConfigException(at + ".name: '" + name + "' is used twice (expected: unique names)");
            }
            result.add(gateway(where + ": gateways[" + i + "] (" + name + ")", g, defaultTimeout));
        }
        return result;
    }

    /**
     * One upstream's mapping, as in {@code gateways:} of forge.yaml or the body of {@code POST /gateways}, validated;
     * {@code at} prefixes every message. Transport names are also accepted in ContextForge's spelling
     * ({@code STREAMABLEHTTP}, {@code SSE}, {@code STDIO}).
     */
    public UpstreamConfig gateway(String at, JsonNode g, Duration defaultTimeout) {
        if (!g.isObject()) {
            throw new ConfigException(at + ": expected an object");
        }
        checkKeys(at, g, GATEWAY_KEYS);
        String name = requiredName(at, g);
        UpstreamPolicy policy = policy(at, g, defaultTimeout);
        String transport = firstOf(text(at, g, "transport"), g.has("command") ? "stdio" : "streamable-http");
        return switch (transport.toLowerCase(java.util.Locale.ROOT)) {
            case "stdio" -> checked(at, new UpstreamConfig.Stdio(name, command(at, g), stringMap(at, g, "env"), inheritEnv(at, g), policy));
            case "streamable-http", "streamablehttp", "http" ->
                    new UpstreamConfig.StreamableHttp(name, url(at, g), stringMap(at, g, "headers"), policy);
            case "sse" -> new UpstreamConfig.Sse(name, url(at, g), stringMap(at, g, "headers"), policy);
            default -> throw new ConfigException(at + ".transport: '" + transport + "' (expected: stdio | streamable-http | sse)");
        };
    }

    /** One service as in {@code services.yml} (or the body of {@code POST /services}), validated. */
    public ServiceConfig service(String at, JsonNode spec, Duration defaultTimeout) {
        if (!(spec instanceof ObjectNode)) {
            throw new ConfigException(at + ": expected an object describing the service");
        }
        return new ServicesFile(this, defaultTimeout, null).service(at, spec);
    }

    private UpstreamPolicy policy(String at, JsonNode g, Duration defaultTimeout) {
        Duration timeout = duration(at, g, "timeout", defaultTimeout);
        SessionMode mode = g.has("session_mode") ? SessionMode.parse(at + ".session_mode", text(at, g, "session_mode"))
                : SessionMode.PER_CLIENT;
        Map<String, Duration> toolTimeouts = new LinkedHashMap<>();
        stringMap(at, g, "tool_timeouts").forEach((tool, d) -> toolTimeouts.put(tool, Durations.parse(at + ".tool_timeouts." + tool, d)));
        int maxConcurrency = UpstreamPolicy.DEFAULT_MAX_CONCURRENCY;
        String max = text(at, g, "max_concurrency");
        if (max != null) {
            try {
                maxConcurrency = Integer.parseInt(max.trim());
            } catch (NumberFormatException e) {
                maxConcurrency = 0;
            }
            if (maxConcurrency < 1) {
                throw new ConfigException(at + ".max_concurrency: '" + max + "' (expected: an integer >= 1)");
            }
        }
        String interval = text(at, g, "health_check_interval");
        Duration healthCheck = interval == null ? UpstreamPolicy.DEFAULT_HEALTH_CHECK_INTERVAL
                : interval.equals("off") || interval.equals("0") ? Duration.ZERO
                : Durations.parse(at + ".health_check_interval", interval);
        return new UpstreamPolicy(timeout, toolTimeouts, mode, maxConcurrency, healthCheck);
    }

    private List<VirtualServerConfig> servers(String where, JsonNode list) {
        List<VirtualServerConfig> result = new ArrayList<>();
        if (list == null || list.isNull()) {
            return result;
        }
        if (!list.isArray()) {
            throw new ConfigException(where + ": servers: expected a list");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = where + ": servers[" + i + "]";
            JsonNode s = list.get(i);
            if (!s.isObject()) {
                throw new ConfigException(at + ": expected a mapping");
            }
            checkKeys(at, s, SERVER_KEYS);
            String name = requiredName(at, s);
            if (!names.add(name)) {
                throw new ConfigException(at + ".name: '" + name + "' is used twice (expected: unique names)");
            }
            result.add(new VirtualServerConfig(name, stringList(at, s, "tools"), stringList(at, s, "resources"),
                    stringList(at, s, "prompts")));
        }
        return result;
    }

    String requiredName(String at, JsonNode node) {
        String name = text(at, node, "name");
        if (name == null) {
            throw new ConfigException(at + ".name: missing (expected: [a-z0-9-]+)");
        }
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException(at + ".name: '" + name + "' (expected: [a-z0-9-]+)");
        }
        return name;
    }

    List<String> command(String at, JsonNode g) {
        JsonNode c = g.get("command");
        List<String> words;
        if (c == null || c.isNull()) {
            throw new ConfigException(at + ".command: missing (expected: a list of words or one command line)");
        } else if (c.isArray()) {
            words = new ArrayList<>();
            for (JsonNode w : c) {
                if (!w.isValueNode()) {
                    throw new ConfigException(at + ".command: expected plain words, got " + w);
                }
                words.add(expand(at + ".command", w.asString()));
            }
        } else {
            words = ShellWords.split(at + ".command", expand(at + ".command", c.asString()));
        }
        if (words.isEmpty() || words.getFirst().isBlank()) {
            throw new ConfigException(at + ".command: empty (expected: the program to run)");
        }
        return words;
    }

    private URI url(String at, JsonNode g) {
        String text = text(at, g, "url");
        if (text == null) {
            throw new ConfigException(at + ".url: missing (expected: http:// or https:// URL)");
        }
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(at + ".url: " + shown(null, text) + " (expected: http:// or https:// URL)");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new ConfigException(at + ".url: " + shown(uri, text) + " (expected: http:// or https:// URL)");
        }
        return uri;
    }

    Map<String, String> stringMap(String at, JsonNode node, String key) {
        JsonNode m = node.get(key);
        Map<String, String> result = new LinkedHashMap<>();
        if (m == null || m.isNull()) {
            return result;
        }
        if (!m.isObject()) {
            throw new ConfigException(at + "." + key + ": expected a mapping of names to values");
        }
        for (Map.Entry<String, JsonNode> e : m.properties()) {
            if (!e.getValue().isValueNode()) {
                throw new ConfigException(at + "." + key + "." + e.getKey() + ": expected a plain value");
            }
            result.put(e.getKey(), expand(at + "." + key + "." + e.getKey(), e.getValue().asString()));
        }
        return result;
    }

    /** A stdio entry as read, refused now (not at every restart) if it hands one of Forge's keys to its process. */
    UpstreamConfig.Stdio checked(String at, UpstreamConfig.Stdio entry) {
        ChildEnvironment.of(env).refuseForgeKeys(at, entry.env(), entry.command());
        return entry;
    }

    /** {@code inherit_env}: names taken from Forge's environment as they are (no {@code ${VAR}} expansion). */
    List<String> inheritEnv(String at, JsonNode node) {
        JsonNode list = node.get("inherit_env");
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!fromOperatorFiles) {
            throw new ConfigException(at + ".inherit_env: not accepted through the API; only forge.yaml, services.yml and "
                    + "forge translate pass Forge's environment on (expected: the value itself, in env)");
        }
        if (!list.isArray()) {
            throw new ConfigException(at + ".inherit_env: expected a list of variable names");
        }
        List<String> names = new ArrayList<>();
        list.forEach(v -> names.add(v.isString() ? v.asString() : v.toString()));
        return ChildEnvironment.checkInherited(at + ".inherit_env", names);
    }

    private List<String> stringList(String at, JsonNode node, String key) {
        JsonNode list = node.get(key);
        List<String> result = new ArrayList<>();
        if (list == null || list.isNull()) {
            return result;
        }
        if (!list.isArray()) {
            throw new ConfigException(at + "." + key + ": expected a list");
        }
        list.forEach(v -> result.add(expand(at + "." + key, v.asString())));
        return result;
    }

    String text(String at, JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            throw new ConfigException(at + "." + key + ": expected a plain value, got " + v.getNodeType());
        }
        return expand(at + "." + key, v.asString());
    }

    Duration duration(String at, JsonNode node, String key, Duration fallback) {
        String text = text(at, node, key);
        return text == null ? fallback : Durations.parse(at + "." + key, text);
    }

    static void checkKeys(String at, JsonNode node, Set<String> allowed) {
        for (String key : node.propertyNames()) {
            if (!allowed.contains(key)) {
                throw new ConfigException(at + ": unknown key '" + key + "' (expected one of: "
                        + allowed.stream().sorted().toList() + ")");
            }
        }
    }

    /** This loader with {@code variables} added to (and winning over) its environment. */
    ConfigLoader withVariables(Map<String, String> variables) {
        Map<String, String> merged = new LinkedHashMap<>(env);
        merged.putAll(variables);
        return new ConfigLoader(merged, fromOperatorFiles);
    }

    /** The {@code ${VAR}} references (without a default) in {@code node}'s keys and values that name unset variables. */
    List<String> unsetVariables(JsonNode node) {
        Set<String> missing = new java.util.LinkedHashSet<>();
        collectUnset(node, missing);
        return List.copyOf(missing);
    }

    private void collectUnset(JsonNode node, Set<String> missing) {
        if (node.isString()) {
            Matcher m = VARIABLE.matcher(node.asString());
            while (m.find()) {
                if (m.group(2) == null && env(m.group(1)) == null) {
                    missing.add(m.group(1));
                }
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                collectUnset(tools.jackson.databind.node.StringNode.valueOf(e.getKey()), missing);
                collectUnset(e.getValue(), missing);
            }
        } else if (node.isArray()) {
            node.forEach(child -> collectUnset(child, missing));
        }
    }

    String expanded(String at, String value) {
        return expand(at, value);
    }

    /** Replaces {@code ${VAR}} and {@code ${VAR:-default}} from the environment; an unset variable is an error. */
    private String expand(String at, String value) {
        if (value.indexOf("${") < 0) {
            return value;
        }
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = env(m.group(1));
            if (v == null) {
                if (m.group(2) == null) {
                    throw new ConfigException(at + ": environment variable " + m.group(1) + " is not set");
                }
                v = m.group(3);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * {@code LOG_FILE}: where the main log goes instead of standard error (rolled and capped, see
     * {@code observe.RollingFile}); null when unset.
     */
    public Path logFile() {
        String file = env("LOG_FILE");
        if (file == null || file.isBlank()) {
            return null;
        }
        Path path = Path.of(file).toAbsolutePath();
        try {
            Files.createDirectories(path.getParent());
        } catch (IOException e) {
            throw new ConfigException("LOG_FILE: '" + file + "' (expected: a file in a writable directory; " + e.getMessage() + ")");
        }
        if (Files.isDirectory(path)) {
            throw new ConfigException("LOG_FILE: '" + file + "' is a directory (expected: a file)");
        }
        return path;
    }

    String env(String name) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    private static Set<String> commaList(String value) {
        Set<String> items = new java.util.LinkedHashSet<>();
        if (value != null) {
            for (String item : value.split(",")) {
                if (!item.isBlank()) items.add(item.trim());
            }
        }
        return items;
    }

    private static int parsePort(String where, String text) {
        try {
            return checkPort(where, Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            throw new ConfigException(where + ": '" + text + "' (expected: a port number 0-65535)");
        }
    }

    private static int checkPort(String where, int port) {
        if (port < 0 || port > 65535) {
            throw new ConfigException(where + ": " + port + " (expected: 0-65535)");
        }
        return port;
    }

    private static String parseLogLevel(String text) {
        String level = text.trim().toLowerCase();
        return switch (level) {
            case "trace", "debug", "info", "error" -> level;
            case "warn", "warning" -> "warn";
            case "critical", "fatal" -> "error";
            default -> throw new ConfigException("LOG_LEVEL: '" + text + "' (expected: trace | debug | info | warn | error)");
        };
    }

    static boolean parseBoolean(String where, String text) {
        return switch (text.trim().toLowerCase()) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new ConfigException(where + ": '" + text + "' (expected: true | false)");
        };
    }

    @SafeVarargs
    private static <T> T firstOf(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}

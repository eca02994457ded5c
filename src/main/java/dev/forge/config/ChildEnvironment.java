package dev.forge.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a process Forge starts (a stdio upstream, a managed service, the server behind {@code forge translate}) may
 * see of Forge's own environment. Built, never inherited: a third-party server must not read the signing key and
 * mint itself an admin token. A child gets
 * <ol>
 *   <li>the few variables programs need to run ({@link #PASSED_THROUGH}, {@code LC_*}, and proxy settings that
 *       carry no credentials), minus anything whose name looks like a secret;</li>
 *   <li>exactly what its entry declares in {@code env} / {@code environment};</li>
 *   <li>the variables its entry names in {@code inherit_env}, taken from Forge's environment.</li>
 * </ol>
 * A child is never handed Forge's own keys, however it asks: an {@code inherit_env} naming one is refused when the
 * entry is read, and a declared value equal to one is refused when the process is started.
 */
public final class ChildEnvironment {

    /** Names a program may need to run at all; never a secret. */
    public static final Set<String> PASSED_THROUGH = Set.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG",
            "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP", "TERM", "JAVA_HOME", "XDG_RUNTIME_DIR", "DOCKER_HOST",
            // where Forge's image puts the npm and uv caches, so npx and uvx servers find them on a read-only root
            "npm_config_cache", "NPM_CONFIG_CACHE", "UV_CACHE_DIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
            // the CA bundle a corporate proxy needs, for Node, OpenSSL and Python's requests
            "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE",
            // what programs need to start at all on Windows
            "SYSTEMROOT", "SystemRoot", "PATHEXT", "COMSPEC", "WINDIR");
    /** Passed through only while they carry no user name or password. */
    private static final Set<String> PROXIES = Set.of("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy",
            "https_proxy", "no_proxy", "all_proxy");
    /** Forge's own keys and stores: never handed to a child, not even on request. */
    public static final List<String> FORGE_KEYS = List.of("JWT_SECRET", "JWT_SECRET_KEY", "FORGE_ENCRYPTION_KEY",
            "FORGE_ENCRYPTION_KEY_PREVIOUS", "ENCRYPTION_KEY", "BASIC_AUTH_PASSWORD", "DATABASE_URL", "POSTGRES_PASSWORD",
            "REDIS_URL", "REDIS_PASSWORD");
    private static final Pattern SECRET_NAME = Pattern.compile(
            ".*(SECRET|TOKEN|PASSW|PASSPHRASE|CREDENTIAL|PRIVATE|AUTH|COOKIE|SESSION|API_?KEY|_KEY|KEY_).*");
    /** Shorter values (a development password such as "admin") would match ordinary settings by chance. */
    private static final int MIN_KEY_LENGTH = 12;
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Map<String, String> forge;
    private final Map<String, String> base;

    private ChildEnvironment(Map<String, String> forge) {
        this.forge = Map.copyOf(forge);
        this.base = Map.copyOf(passedThrough(forge));
    }

    /** The policy over Forge's environment: its process environment and any {@code --env-file}. */
    public static ChildEnvironment of(Map<String, String> forgeEnvironment) {
        return new ChildEnvironment(forgeEnvironment);
    }

    /** The variables of {@code environment} every child gets, by the allowlist alone. */
    public static Map<String, String> passedThrough(Map<String, String> environment) {
        Map<String, String> kept = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (value != null && allowed(name, value)) {
                kept.put(name, value);
            }
        });
        return kept;
    }

    private static boolean allowed(String name, String value) {
        if (looksSecret(name)) {
            return false;
        }
        if (PROXIES.contains(name)) {
            return !carriesCredentials(value);
        }
        return PASSED_THROUGH.contains(name) || name.startsWith("LC_");
    }

    static boolean looksSecret(String name) {
        return SECRET_NAME.matcher(name.toUpperCase(Locale.ROOT)).matches();
    }

    /** Any {@code @} may be a user part, URL or not ({@code u:p@proxy:3128}, {@code http://u:p#s@proxy}). */
    private static boolean carriesCredentials(String proxy) {
        return proxy.indexOf('@') >= 0;
    }

    /**
     * Checks an entry's {@code inherit_env} list; {@code at} (e.g. {@code "gateways[0].inherit_env"}) prefixes the message.
     *
     * @throws ConfigException naming the first bad entry
     */
    public static List<String> checkInherited(String at, Collection<String> names) {
        for (String name : names) {
            if (!VARIABLE_NAME.matcher(name).matches()) {
                throw new ConfigException(at + ": '" + name + "' (expected: a variable name such as GITHUB_TOKEN)");
            }
            if (FORGE_KEYS.contains(name)) {
                throw new ConfigException(at + ": " + name + " is Forge's own and is never passed to a "
                        + "server (expected: the variables the server itself needs)");
            }
        }
        return List.copyOf(names);
    }

    /**
     * Refuses an entry that hands one of Forge's keys to its process, by value (as {@code ${JWT_SECRET}} expands),
     * in a declared variable or on the command line (which every user of the machine can read).
     *
     * @param where names the entry, e.g. {@code "gateways[0] (github)"}
     * @throws ConfigException naming the variable or the word, never the value
     */
    public void refuseForgeKeys(String where, Map<String, String> declared, List<String> command) {
        declared.forEach((name, value) -> {
            String key = forgeKeyIn(value, false);
            if (key != null) {
                throw new ConfigException(where + ".env." + name + ": carries Forge's own " + key
                        + " (expected: a credential of the server's own; Forge's keys never leave the process)");
            }
        });
        for (int i = 0; i < command.size(); i++) {
            String key = forgeKeyIn(command.get(i), true);
            if (key != null) {
                throw new ConfigException(where + ".command[" + i + "]: carries Forge's own " + key
                        + " (expected: a credential of the server's own; Forge's keys never leave the process)");
            }
        }
    }

    /** The name of the Forge key {@code value} is (or, in a command word, contains), or null. */
    private String forgeKeyIn(String value, boolean contained) {
        if (value == null) {
            return null;
        }
        for (String key : FORGE_KEYS) {
            String secret = forge.get(key);
            if (secret != null && secret.length() >= MIN_KEY_LENGTH
                    && (contained ? value.contains(secret) : value.equals(secret))) {
                return key;
            }
        }
        return null;
    }

    /**
     * The whole environment of one child: the allowlist, then its {@code inherit_env} names found in Forge's
     * environment, then its declared variables (which win).
     *
     * @param where names the entry in an error
     * @throws ConfigException if a declared value or a word of the command is one of Forge's own keys
     */
    public Map<String, String> build(String where, Map<String, String> declared, Collection<String> inherit, List<String> command) {
        refuseForgeKeys(where, declared, command);
        Map<String, String> env = new LinkedHashMap<>(base);
        for (String name : inherit) {
            if (!FORGE_KEYS.contains(name)) {
                String value = forge.get(name);
                if (value != null) {
                    env.put(name, value);
                }
            }
        }
        env.putAll(declared);
        return env;
    }
}

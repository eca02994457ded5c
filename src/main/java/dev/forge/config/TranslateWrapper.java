package dev.forge.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The seed project's container wrapper, {@code python3 -m forge.translate --stdio "CMD" --expose-sse --port N …}: it
 * exposed a stdio server over SSE so that a gateway could reach it in another container. Forge runs services as its
 * own children and serves them itself, so the wrapper is unwrapped: {@code CMD} (plus any server arguments written
 * after it) is the service.
 */
final class TranslateWrapper {

    private static final Set<String> MODULES = Set.of("forge.translate", "mcpgateway.translate");
    /** The wrapper's own options that take a value; anything else after {@code --stdio CMD} belongs to the server. */
    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("--port", "--host", "--logLevel", "--log-level", "--cors",
            "--oauth2Bearer", "--ssePath", "--messagePath", "--streamableHttpPath", "--keepAlive", "--header", "-H",
            "--stdioCommand");
    private static final Set<String> FLAGS = Set.of("--expose-sse", "--expose-streamable-http", "--stateless", "--jsonResponse");
    private static final Set<String> OTHER_MODES = Set.of("--connect-sse", "--connect-streamable-http", "--grpc", "--sse",
            "--streamableHttp");

    private TranslateWrapper() {}

    static boolean wraps(List<String> words) {
        return moduleAt(words) > 0;
    }

    /** Where the module name is in {@code python3 [-u …] -m forge.translate}, or -1. */
    private static int moduleAt(List<String> words) {
        if (words.isEmpty() || !Path.of(words.getFirst()).getFileName().toString().matches("python3?(\\.\\d+)?")) {
            return -1;
        }
        for (int i = 1; i + 1 < words.size() && words.get(i).startsWith("-"); i++) { // interpreter flags such as -u
            if (words.get(i).equals("-m")) {
                return MODULES.contains(words.get(i + 1)) ? i + 1 : -1;
            }
        }
        return -1;
    }

    /** The server's own command inside the wrapper's words. */
    static List<String> unwrap(String at, List<String> words) {
        List<String> server = new ArrayList<>();
        boolean stdio = false;
        for (int i = moduleAt(words) + 1; i < words.size(); i++) {
            String word = words.get(i);
            if (word.equals("--stdio") || word.startsWith("--stdio=")) {
                String value = word.startsWith("--stdio=") ? word.substring("--stdio=".length())
                        : i + 1 < words.size() ? words.get(++i) : "";
                server.addAll(ShellWords.split(at, value));
                stdio = true;
            } else if (OTHER_MODES.contains(word)) {
                throw new ConfigException(at + ": '" + word + "' bridges a remote server, not a local one (expected: "
                        + "--stdio \"CMD\" for a service; register a remote server as a gateway instead)");
            } else if (OPTIONS_WITH_VALUE.contains(word)) {
                i++;
            } else if (!FLAGS.contains(word) && !isOptionWithInlineValue(word)) {
                if (!stdio) {
                    throw new ConfigException(at + ": '" + word + "' before --stdio (expected: --stdio \"CMD\" first)");
                }
                server.add(word); // a server argument written after the wrapped command, e.g. a path
            }
        }
        if (server.isEmpty()) {
            throw new ConfigException(at + ": the translate wrapper has no --stdio \"CMD\" (expected: the command of the stdio server)");
        }
        return server;
    }

    private static boolean isOptionWithInlineValue(String word) {
        int eq = word.indexOf('=');
        return eq > 0 && (OPTIONS_WITH_VALUE.contains(word.substring(0, eq)) || FLAGS.contains(word.substring(0, eq)));
    }

    /** The wrapper's {@code --port}, or null: the port it opened, which Forge does not. */
    static String port(List<String> words) {
        int i = words.indexOf("--port");
        return i >= 0 && i + 1 < words.size() ? words.get(i + 1) : null;
    }
}

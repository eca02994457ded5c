package dev.forge.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * A command line as Forge may show it (the log, {@code /services}, a service's log ring): what follows an option
 * that looks like a secret ({@code --api-key X}, {@code --token=X}), a {@code NAME=value} whose name does
 * ({@code docker run -e GITHUB_TOKEN=…}), and a credential header ({@code -H "Authorization: Bearer …"}) become
 * {@code ***}; URLs are masked; a word holding a whole script ({@code sh -c "…"}) is read the same way. Commands often
 * carry a credential expanded from {@code ${VAR}}: the process gets it, the log does not.
 */
public final class MaskedCommand {

    private static final List<String> HEADER_OPTIONS = List.of("-H", "--header", "--headers");

    private MaskedCommand() {}

    public static String of(List<String> command) {
        StringJoiner line = new StringJoiner(" ");
        String previous = "";
        for (String word : command) {
            line.add(word.contains(" ") && !isHeader(previous) ? of(Arrays.asList(word.split(" "))) : masked(previous, word));
            previous = word;
        }
        return line.toString();
    }

    private static String masked(String previous, String word) {
        if (!word.startsWith("-") && (previous.equalsIgnoreCase("Bearer")
                || previous.startsWith("-") && previous.indexOf('=') < 0 && secretOption(previous))) {
            return MaskedUrl.MASK;
        }
        if (isHeader(previous)) {
            int colon = word.indexOf(':');
            return colon > 0 && secretOption(word.substring(0, colon)) ? word.substring(0, colon + 1) + " " + MaskedUrl.MASK : word;
        }
        int eq = word.indexOf('=');
        if (eq > 0 && secretOption(word.substring(0, eq))) {
            return word.substring(0, eq + 1) + MaskedUrl.MASK;
        }
        return MaskedUrl.inText(word);
    }

    private static boolean isHeader(String option) {
        return HEADER_OPTIONS.contains(option);
    }

    private static boolean secretOption(String name) {
        String normal = name.replace('-', '_').toUpperCase(Locale.ROOT);
        return ChildEnvironment.looksSecret(normal) || normal.endsWith("_K") || normal.endsWith("_PAT");
    }
}

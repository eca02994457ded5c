package dev.forge.config;

import java.util.List;
import java.util.StringJoiner;

/**
 * A command line as Forge may show it (the log, {@code /services}, a service's log ring): the value of an option
 * whose name looks like a secret ({@code --api-key X}, {@code --token=X}) becomes {@code ***}, and URLs are masked.
 * Commands often carry a credential expanded from {@code ${VAR}}; the process gets it, the log does not.
 */
public final class MaskedCommand {

    private MaskedCommand() {}

    public static String of(List<String> command) {
        StringJoiner line = new StringJoiner(" ");
        boolean secretNext = false;
        for (String word : command) {
            if (secretNext) {
                line.add(MaskedUrl.MASK);
                secretNext = false;
                continue;
            }
            int eq = word.indexOf('=');
            if (word.startsWith("-") && eq > 0) {
                line.add(secretOption(word.substring(0, eq)) ? word.substring(0, eq + 1) + MaskedUrl.MASK
                        : MaskedUrl.inText(word));
            } else {
                secretNext = word.startsWith("-") && secretOption(word);
                line.add(MaskedUrl.inText(word));
            }
        }
        return line.toString();
    }

    private static boolean secretOption(String option) {
        return ChildEnvironment.looksSecret(option.replace('-', '_'));
    }
}

package dev.forge.cli;

import dev.forge.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code FORGE_ENV_FD=N}: variables handed to Forge on an inherited pipe rather than in its environment, as
 * {@code NAME=VALUE} entries each ended by a NUL byte (the layout of {@code /proc/<pid>/environ}, so any value passes
 * unchanged). The image's entrypoint moves Forge's secrets there, so that the container's first process, which
 * lives as long as the container and can be read by every process of its user, never holds them in its environment.
 *
 * <p>Only a pipe is accepted, and it is read to its end at start: a file would stay readable through
 * {@code /proc/<pid>/fd} of every process holding it, an emptied pipe gives nothing to whoever opens it later.
 */
final class EnvironmentPipe {

    static final String VARIABLE = "FORGE_ENV_FD";
    private static final int TYPE_MASK = 0170000;
    private static final int FIFO = 0010000;

    private EnvironmentPipe() {}

    /** The variables on the descriptor {@code number} names; none when it is null or empty. */
    static Map<String, String> read(String number) {
        if (number == null || number.isBlank()) {
            return Map.of();
        }
        int fd;
        try {
            fd = Integer.parseInt(number.trim());
        } catch (NumberFormatException e) {
            fd = -1;
        }
        if (fd < 3) {
            throw new ConfigException(VARIABLE + ": '" + number + "' (expected: a descriptor number >= 3, the read end of a pipe)");
        }
        Path path = Path.of("/proc/self/fd", String.valueOf(fd));
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            throw new ConfigException(VARIABLE + ": descriptor " + fd + " is not open (expected: the read end of a pipe)");
        }
        if ((mode & TYPE_MASK) != FIFO) {
            throw new ConfigException(VARIABLE + ": descriptor " + fd + " is not a pipe (expected: the read end of a pipe; "
                    + "a file would stay readable by other processes)");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new ConfigException(VARIABLE + ": descriptor " + fd + ": cannot read (" + e.getMessage() + ")");
        }
        return parse(fd, new String(bytes, StandardCharsets.UTF_8));
    }

    static Map<String, String> parse(int fd, String text) {
        Map<String, String> values = new HashMap<>();
        String[] entries = text.split("\0");
        for (int i = 0; i < entries.length; i++) {
            if (entries[i].isEmpty()) {
                continue;
            }
            int eq = entries[i].indexOf('=');
            if (eq <= 0) { // the entry is not shown: it may be a secret
                throw new ConfigException(VARIABLE + ": descriptor " + fd + ": entry " + (i + 1) + " (expected: NAME=VALUE)");
            }
            values.put(entries[i].substring(0, eq), entries[i].substring(eq + 1));
        }
        return values;
    }
}

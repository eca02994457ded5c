package dev.forge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forge.config.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FORGE_ENV_FD, against real descriptors of this process: a pipe is read to its end, anything else refused. */
class EnvironmentPipeTest {

    @TempDir
    Path dir;

    @Test
    void variablesOnAPipeAreReadToItsEndWithTheirValuesUnchanged() throws IOException {
        Map<Integer, String> before = descriptors();
        Pipe pipe = Pipe.open();
        try (Pipe.SourceChannel source = pipe.source()) {
            try (Pipe.SinkChannel sink = pipe.sink()) {
                sink.write(ByteBuffer.wrap("JWT_SECRET=a=b \"quoted\" 'and'\nsecond line \0EMPTY=\0lower_case=x\0"
                        .getBytes(StandardCharsets.UTF_8)));
            }
            String fd = String.valueOf(opened(before, "pipe:"));

            assertThat(EnvironmentPipe.read(fd)).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "JWT_SECRET", "a=b \"quoted\" 'and'\nsecond line ", "EMPTY", "", "lower_case", "x"));
            assertThat(EnvironmentPipe.read(fd)).as("whoever reads the pipe next finds it empty").isEmpty();
        }
    }

    @Test
    void aDescriptorOfAFileIsRefusedForItWouldStayReadable() throws IOException {
        Path file = Files.writeString(dir.resolve("env"), "JWT_SECRET=x\0");
        Map<Integer, String> before = descriptors();
        try (FileChannel open = FileChannel.open(file, StandardOpenOption.READ)) {
            assertThat(open.isOpen()).isTrue();
            int fd = opened(before, file.toString());
            assertThatThrownBy(() -> EnvironmentPipe.read(String.valueOf(fd))).isInstanceOf(ConfigException.class)
                    .hasMessage("FORGE_ENV_FD: descriptor " + fd + " is not a pipe (expected: the read end of a pipe; "
                            + "a file would stay readable by other processes)");
        }
    }

    @Test
    void aValueThatNamesNoUsableDescriptorIsRefused() {
        assertThat(EnvironmentPipe.read(null)).isEmpty();
        assertThat(EnvironmentPipe.read("")).isEmpty();
        assertThatThrownBy(() -> EnvironmentPipe.read("0")).hasMessage("FORGE_ENV_FD: '0' (expected: a descriptor number >= 3, the read end of a pipe)");
        assertThatThrownBy(() -> EnvironmentPipe.read("three")).hasMessageStartingWith("FORGE_ENV_FD: 'three'");
        assertThatThrownBy(() -> EnvironmentPipe.read("999999")).hasMessage("FORGE_ENV_FD: descriptor 999999 is not open (expected: the read end of a pipe)");
    }

    @Test
    void anEntryWithoutANameIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> EnvironmentPipe.parse(3, "A=1\0=the-secret-value\0"))
                .hasMessage("FORGE_ENV_FD: descriptor 3: entry 2 (expected: NAME=VALUE)");
    }

    /** This process's open descriptors and what each refers to. */
    private static Map<Integer, String> descriptors() throws IOException {
        Map<Integer, String> open = new HashMap<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(fd -> {
                try {
                    open.put(Integer.parseInt(fd.getFileName().toString()), Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // the descriptor of the listing itself, closed by now
                }
            });
        }
        return open;
    }

    /** The one descriptor opened since {@code before} that refers to {@code target} (a path, or "pipe:"). */
    private static int opened(Map<Integer, String> before, String target) throws IOException {
        return descriptors().entrySet().stream()
                .filter(e -> !e.getValue().equals(before.get(e.getKey())) && e.getValue().startsWith(target))
                .mapToInt(Map.Entry::getKey).min().orElseThrow();
    }
}

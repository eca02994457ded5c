package dev.forge.services;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Resident memory of a process and everything it started (npx starts node, node may start more), from /proc. */
final class ProcessMemory {

    private ProcessMemory() {}

    /** Bytes resident for the process tree rooted at {@code pid}; 0 if it is gone or /proc cannot tell. */
    static long residentBytes(long pid) {
        return ProcessHandle.of(pid)
                .map(root -> Stream.concat(Stream.of(root), root.descendants()).mapToLong(p -> rss(p.pid())).sum())
                .orElse(0L);
    }

    /** The host's available memory (MemAvailable: free plus what the kernel can reclaim); -1 if /proc cannot tell. */
    static long hostAvailableBytes() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(line -> line.startsWith("MemAvailable:")).findFirst()
                    .map(line -> Long.parseLong(line.substring(13).trim().split("\\s+")[0]) * 1024).orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended between listing and reading
        }
        return 0;
    }
}

package dev.forge.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * A file's lines from its last to its first, read a block at a time from the end: the newest lines of a large log
 * cost what they weigh, not what the file does. Lines are split on the newline byte (never part of a longer UTF-8
 * sequence); a line longer than {@link #MAX_LINE} bytes is skipped whole rather than held.
 */
final class BackwardLines implements AutoCloseable {

    private static final int BLOCK = 64 * 1024;
    static final int MAX_LINE = 256 * 1024;

    private final FileChannel channel;
    private long unread;
    /** The end of the line being assembled: bytes after {@link #unread}, up to the last newline met. */
    private byte[] partial = new byte[0];
    /** True while the line being assembled is one too long to keep. */
    private boolean oversized;
    private final ArrayDeque<String> ready = new ArrayDeque<>();

    BackwardLines(Path file) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.unread = channel.size();
    }

    /** The next line back, or null once the first line of the file has been given. */
    String previous() throws IOException {
        while (ready.isEmpty()) {
            if (unread == 0) {
                if (partial == null) {
                    return null;
                }
                String first = oversized ? null : new String(partial, StandardCharsets.UTF_8);
                partial = null;
                return first;
            }
            readBlock();
        }
        return ready.poll();
    }

    private void readBlock() throws IOException {
        int size = (int) Math.min(BLOCK, unread);
        unread -= size;
        ByteBuffer buffer = ByteBuffer.allocate(size + partial.length).limit(size);
        while (buffer.position() < size) {
            if (channel.read(buffer, unread + buffer.position()) < 0) {
                throw new IOException("the file shrank while it was read");
            }
        }
        buffer.limit(size + partial.length);
        buffer.put(size, partial);
        byte[] bytes = buffer.array();
        int end = bytes.length;
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                if (!oversized) {
                    ready.add(new String(bytes, i + 1, end - i - 1, StandardCharsets.UTF_8));
                }
                oversized = false;
                end = i;
            }
        }
        partial = Arrays.copyOfRange(bytes, 0, end);
        if (partial.length > MAX_LINE) {
            partial = new byte[0];
            oversized = true;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

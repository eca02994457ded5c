package dev.forge.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 by hand, for what a well-behaved client cannot send: a body shorter than its {@code Content-Length}, a
 * chunked body that never ends in time. The answer is read until the server closes the connection.
 */
final class RawHttp {

    /** An answer: status, headers (names in lower case), body with any chunked framing removed. */
    record Reply(int status, Map<String, String> headers, String body) {}

    private RawHttp() {}

    /**
     * Writes {@code head} (request line and headers, without the blank line) and {@code body}; then, if
     * {@code closeOutput}, closes our side of the connection so the server sees the body end early.
     */
    static Reply exchange(int port, String head, byte[] body, boolean closeOutput) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            // written beside the reader: a server may answer (and stop reading) before a large body is all sent
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write((head + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                    if (closeOutput) {
                        socket.shutdownOutput();
                    }
                } catch (IOException e) {
                    // the server closed its side first; its answer is what the test reads
                }
            });
            Reply reply = parse(readHead(socket.getInputStream()), socket.getInputStream());
            writer.interrupt();
            return reply;
        }
    }

    /** {@code body} in chunks of 64 KiB, with the last chunk when {@code complete}. */
    static byte[] chunked(byte[] body, boolean complete) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + body.length / 1000 + 16);
        for (int at = 0; at < body.length; at += 65_536) {
            int length = Math.min(65_536, body.length - at);
            out.writeBytes((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, at, length);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        if (complete) {
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    /** A POST with {@code Content-Length: announced} and only {@code sent} bytes of body, then the end of input. */
    static Reply truncatedPost(int port, String path, int announced, String sent, String... headers) throws IOException {
        StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                + "Content-Length: " + announced);
        for (String header : headers) {
            head.append("\r\n").append(header);
        }
        return exchange(port, head.toString(), sent.getBytes(StandardCharsets.UTF_8), true);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        int b;
        while (last4 != 0x0d0a0d0a && (b = in.read()) != -1) {
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static Reply parse(String head, InputStream in) throws IOException {
        String[] lines = head.trim().split("\r\n");
        if (lines.length == 0 || lines[0].isEmpty()) {
            throw new IOException("no answer, the connection was closed");
        }
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        byte[] rest;
        if (headers.containsKey("content-length")) {
            rest = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            rest = unchunk(in);
        } else {
            rest = in.readAllBytes();
        }
        return new Reply(status, headers, new String(rest, StandardCharsets.UTF_8));
    }

    private static byte[] unchunk(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            StringBuilder size = new StringBuilder();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (b != '\r') size.append((char) b);
            }
            int length = size.isEmpty() ? 0 : Integer.parseInt(size.toString().split(";")[0].trim(), 16);
            if (length == 0) {
                return body.toByteArray();
            }
            body.write(in.readNBytes(length));
            in.readNBytes(2);
        }
    }
}

package dev.forge.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Certificates made the way operators make them: by the {@code openssl} command line, in the deployment guide's
 * form ({@code openssl req -x509 -nodes -days 365 -newkey rsa:2048 -keyout … -out …}) and its variants.
 */
public final class TestCertificates {

    /** A certificate file and its key file. */
    public record Pair(Path cert, Path key) {}

    private TestCertificates() {}

    /**
     * The guide's command (OpenSSL 3 writes a PKCS#8 {@code BEGIN PRIVATE KEY}), for {@code cn}; with a loopback
     * subjectAltName when {@code loopback}, so that clients checking host names accept it at localhost and 127.0.0.1.
     */
    public static Pair rsa(Path dir, String name, String cn, boolean loopback) {
        Pair pair = new Pair(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
        List<String> command = new ArrayList<>(List.of("openssl", "req", "-x509", "-nodes", "-days", "365", "-newkey", "rsa:2048",
                "-keyout", pair.key().toString(), "-out", pair.cert().toString(), "-subj", "/CN=" + cn));
        if (loopback) {
            command.addAll(List.of("-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"));
        }
        openssl(command);
        return pair;
    }

    /** An EC P-256 pair, its key rewritten in the SEC1 form ({@code BEGIN EC PRIVATE KEY}). */
    public static Pair ecSec1(Path dir, String name, String cn) {
        Pair pair = new Pair(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
        Path pkcs8 = dir.resolve(name + ".pkcs8.key");
        openssl(List.of("openssl", "req", "-x509", "-nodes", "-days", "30", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-keyout", pkcs8.toString(), "-out", pair.cert().toString(), "-subj", "/CN=" + cn,
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"));
        openssl(List.of("openssl", "ec", "-in", pkcs8.toString(), "-out", pair.key().toString()));
        return pair;
    }

    /** {@code key} rewritten by {@code openssl} with these arguments (e.g. {@code rsa -traditional}) into {@code out}. */
    public static Path convert(Path key, Path out, String... arguments) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        command.addAll(List.of("-in", key.toString(), "-out", out.toString()));
        openssl(command);
        return out;
    }

    public static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The leaf certificate a TLS server at {@code port} presents now, read by a fresh handshake that judges nothing. */
    public static X509Certificate served(int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) trustingAll().getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /** For looking at what a server presents, never for talking to it about anything that matters. */
    public static SSLContext trustingAll() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return context;
    }

    private static void openssl(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

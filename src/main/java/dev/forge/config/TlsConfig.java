package dev.forge.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * HTTPS on every listener of this process (gateway, service manager, tool router): one certificate chain and key,
 * read from PEM files and read again when they change.
 *
 * @param enabled        {@code SSL_ENABLED}, or {@code SSL_KEY_FILE} set: serve TLS instead of plain HTTP
 * @param certFile       {@code SSL_CERT_FILE} (read only beside {@code SSL_KEY_FILE}, see {@link ConfigLoader#tls}): the
 *                       certificate, then its chain (certbot's {@code fullchain.pem})
 * @param keyFile        {@code SSL_KEY_FILE}: its private key, unencrypted (PKCS#8, PKCS#1 RSA or SEC1 EC)
 * @param plainHttp      {@code SSL_PLAIN_HTTP}: what a plain HTTP request sent to a TLS port gets
 * @param reloadInterval {@code SSL_RELOAD_INTERVAL}: how often the files are checked for a renewed pair
 */
public record TlsConfig(boolean enabled, Path certFile, Path keyFile, PlainHttp plainHttp, Duration reloadInterval) {

    /** Where the deployment guide puts the pair, relative to the working directory (the image sets {@code SSL_DIR=/ssl}). */
    public static final String DEFAULT_DIR = "ssl";
    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(5);
    public static final TlsConfig OFF = new TlsConfig(false, Path.of(DEFAULT_DIR, "server.crt"), Path.of(DEFAULT_DIR, "server.key"),
            PlainHttp.REDIRECT, DEFAULT_RELOAD_INTERVAL);

    /** A plain HTTP request on a TLS port. */
    public enum PlainHttp {
        /** 308 to the same host, port and path over https: a browser or a pasted http:// URL still lands. */
        REDIRECT,
        /** 400 and the connection closed: nothing is answered in the clear, not even where to go. */
        REFUSE
    }

    /** The scheme Forge's own roles are reached with. */
    public String scheme() {
        return enabled ? "https" : "http";
    }

    public TlsConfig withFiles(Path cert, Path key) {
        return new TlsConfig(true, cert, key, plainHttp, reloadInterval);
    }

    public TlsConfig withPlainHttp(PlainHttp mode) {
        return new TlsConfig(enabled, certFile, keyFile, mode, reloadInterval);
    }

    public TlsConfig withReloadInterval(Duration interval) {
        return new TlsConfig(enabled, certFile, keyFile, plainHttp, interval);
    }
}

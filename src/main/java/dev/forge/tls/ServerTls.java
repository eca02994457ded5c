package dev.forge.tls;

import dev.forge.config.TlsConfig;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS for every listener of this process, or plain HTTP when it is off ({@link #OFF}). With it on, each listener's
 * port speaks TLS 1.2 and 1.3 with HTTP/2 and HTTP/1.1 offered through ALPN, and still recognises a plain HTTP
 * request (Jetty's {@link DetectorConnectionFactory}) so that the listeners' plain-HTTP guard can redirect or refuse it with
 * an answer instead of a TLS alert the client cannot read. The pair is read once at start (a bad pair stops start-up)
 * and again whenever the files change, without closing any open connection.
 */
public final class ServerTls implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
    /** TLS 1.0 and 1.1 are deprecated (RFC 8996); nothing Forge serves needs them. */
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    public static final ServerTls OFF = new ServerTls(TlsConfig.OFF, null);

    private final TlsConfig config;
    private final List<SslContextFactory.Server> factories = new CopyOnWriteArrayList<>();
    private final CertificateWatch watch;
    private volatile PemPair current;
    private volatile Set<X509Certificate> own;

    private ServerTls(TlsConfig config, PemPair pair) {
        this.config = config;
        this.current = pair;
        this.own = pair == null ? Set.of() : Set.of(pair.leaf());
        this.watch = pair == null ? null : new CertificateWatch(config, this::use);
    }

    /**
     * Reads the pair and starts watching its files; {@link #OFF} when TLS is off.
     *
     * @throws dev.forge.config.ConfigException naming the variable and what is wrong with its file
     */
    public static ServerTls open(TlsConfig config, ScheduledExecutorService scheduler) {
        if (!config.enabled()) {
            return OFF;
        }
        PemPair pair = PemPair.read(config);
        ServerTls tls = new ServerTls(config, pair);
        tls.watch.start(scheduler);
        LOG.info("HTTPS on every listener with {} (key {}); plain HTTP is {}; the files are checked for renewal every {} ms",
                pair.describe(), config.keyFile(), config.plainHttp() == TlsConfig.PlainHttp.REDIRECT ? "redirected" : "refused",
                config.reloadInterval().toMillis());
        return tls;
    }

    public boolean enabled() {
        return config.enabled();
    }

    public TlsConfig config() {
        return config;
    }

    /** A listener's connector: plain HTTP/1.1, or TLS with ALPN (h2, http/1.1) that also detects plain HTTP. */
    public ServerConnector connector(Server server, HttpConfiguration http) {
        if (!config.enabled()) {
            return new ServerConnector(server, new HttpConnectionFactory(http));
        }
        // One certificate whatever name is asked for: Jetty's check that the SNI name is in the certificate would
        // refuse the roles' calls to each other by container name (https://service-manager:9000) with a 400.
        http.addCustomizer(new SecureRequestCustomizer(false));
        http.setSecureScheme("https");
        HttpConnectionFactory http11 = new HttpConnectionFactory(http);
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
        // ALPN names as on the wire ("HTTP/1.1" is Jetty's name, "http/1.1" the registered one; connectors find
        // factories by either)
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory(h2.getProtocol(), "http/1.1");
        alpn.setDefaultProtocol(http11.getProtocol()); // a client that offers no ALPN speaks HTTP/1.1
        SslConnectionFactory tls = new SslConnectionFactory(serverFactory(), alpn.getProtocol());
        // the detector hands a connection that does not start with a TLS record to the factory after it: HTTP/1.1,
        // where the request is seen as not secure and PlainHttpGuard answers it
        return new ServerConnector(server, new DetectorConnectionFactory(tls), http11, alpn, h2);
    }

    /** Trust for Forge's Jetty HTTP client: the JDK's CAs and, with TLS on, the certificate this process serves. */
    public SslContextFactory.Client clientFactory() {
        SslContextFactory.Client factory = new LazyClientTls();
        if (config.enabled()) {
            factory.setSslContext(clientContext());
        }
        return factory;
    }

    /** The same trust for a JDK HTTP client (the hop to the replica that owns a session). */
    public SSLContext clientContext() {
        try {
            if (!config.enabled()) {
                return SSLContext.getDefault();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new OwnCertificateTrust(() -> own)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a TLS client context could not be made", e);
        }
    }

    private SslContextFactory.Server serverFactory() {
        SslContextFactory.Server factory = new SslContextFactory.Server();
        factory.setKeyStore(current.keyStore());
        factory.setKeyStorePassword(new String(PemPair.STORE_PASSWORD));
        factory.setKeyManagerPassword(new String(PemPair.STORE_PASSWORD));
        factory.setIncludeProtocols(PROTOCOLS);
        factory.setCipherComparator(HTTP2Cipher.COMPARATOR); // ciphers HTTP/2 accepts first
        factories.add(factory);
        return factory;
    }

    /**
     * A renewed pair: every listener's context is rebuilt around it. Connections already open keep the session they
     * negotiated; new handshakes get the new certificate. The old certificate stays trusted by the client a while,
     * for another process of the install that has not seen the new files yet.
     */
    private void use(PemPair pair) {
        PemPair previous = current;
        for (SslContextFactory.Server factory : factories) {
            try {
                factory.reload(f -> f.setKeyStore(pair.keyStore()));
            } catch (Exception e) {
                throw new IllegalStateException("a listener's TLS context could not be reloaded", e);
            }
        }
        current = pair;
        own = pair.leaf().equals(previous.leaf()) ? Set.of(pair.leaf()) : Set.of(pair.leaf(), previous.leaf());
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
    }
}

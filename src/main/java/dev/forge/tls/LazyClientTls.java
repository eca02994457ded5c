package dev.forge.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The HTTP client's TLS, made at its first HTTPS connection instead of when the client starts: reading the JDK's
 * trust store is a tenth of Forge's start-up, and an install whose upstreams are all local never needs it.
 */
final class LazyClientTls extends SslContextFactory.Client {

    private volatile boolean loaded;

    @Override
    protected void doStart() {
        // deferred to the first use: see load()
    }

    private void load() {
        if (!loaded) {
            synchronized (this) {
                if (!loaded) {
                    try {
                        super.doStart();
                    } catch (Exception e) {
                        throw new IllegalStateException("the HTTP client's TLS could not be set up: " + e.getMessage(), e);
                    }
                    loaded = true;
                }
            }
        }
    }

    @Override
    public SSLContext getSslContext() {
        load();
        return super.getSslContext();
    }

    @Override
    public SSLEngine newSSLEngine() {
        load();
        return super.newSSLEngine();
    }

    @Override
    public SSLEngine newSSLEngine(String host, int port) {
        load();
        return super.newSSLEngine(host, port);
    }

    @Override
    public SSLEngine newSSLEngine(java.net.InetSocketAddress address) {
        load();
        return super.newSSLEngine(address);
    }
}

package dev.forge.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * What Forge's HTTP client trusts when Forge serves HTTPS: the JDK's CAs, as always, and Forge's own certificate
 * byte for byte. The roles of one install call each other (the gateway its service manager, a lone tool router its
 * gateway, a replica the owner of a session) at addresses no public certificate names ({@code 127.0.0.1},
 * {@code service-manager}) and often with a self-signed one; the exact certificate Forge itself serves is a stronger
 * proof than a CA and a host name, so it is accepted wherever it is presented. Anything else is checked as usual.
 */
final class OwnCertificateTrust extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager jdk;
    private final Supplier<Set<X509Certificate>> own;

    /** @param own the certificates this process serves (the current one and the one it replaced) */
    OwnCertificateTrust(Supplier<Set<X509Certificate>> own) {
        this.jdk = jdkDefault();
        this.own = own;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        if (!isOwn(chain)) {
            jdk.checkServerTrusted(chain, authType, engine);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        if (!isOwn(chain)) {
            jdk.checkServerTrusted(chain, authType, socket);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (!isOwn(chain)) {
            jdk.checkServerTrusted(chain, authType);
        }
    }

    /** Forge's client presents no certificate; it is never asked to judge one. */
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        jdk.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        jdk.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        jdk.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return jdk.getAcceptedIssuers();
    }

    private boolean isOwn(X509Certificate[] chain) {
        return chain != null && chain.length > 0 && own.get().contains(chain[0]); // X509Certificate equality: the encoded bytes
    }

    private static X509ExtendedTrustManager jdkDefault() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's trust store cannot be read", e);
        }
    }
}

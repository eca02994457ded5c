package dev.forge.tls;

import dev.forge.config.ConfigException;
import dev.forge.config.TlsConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.KeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A certificate chain and its private key read from the PEM files of a {@link TlsConfig}, checked to belong together.
 * The key may be PKCS#8 ({@code BEGIN PRIVATE KEY}: what OpenSSL 3 and certbot write), PKCS#1 ({@code BEGIN RSA
 * PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}); an encrypted key is refused, since nobody is there to type
 * its passphrase. Parsed with the JDK alone.
 */
record PemPair(List<X509Certificate> chain, PrivateKey key) {

    /** The in-memory key store's password: it never leaves this process, it only satisfies the KeyStore API. */
    static final char[] STORE_PASSWORD = "forge".toCharArray();
    static final String ALIAS = "forge";

    PemPair {
        chain = List.copyOf(chain);
    }

    /**
     * Reads and checks both files.
     *
     * @throws ConfigException naming {@code SSL_CERT_FILE} or {@code SSL_KEY_FILE}, the path and what is wrong
     */
    static PemPair read(TlsConfig config) {
        List<X509Certificate> chain = certificates(config.certFile());
        PrivateKey key = key(config.keyFile(), chain.getFirst());
        if (!matches(key, chain.getFirst())) {
            throw new ConfigException("SSL_KEY_FILE: " + config.keyFile() + ": is not the key of the certificate in SSL_CERT_FILE "
                    + config.certFile() + " (expected: the pair made together, e.g. certbot's privkey.pem with fullchain.pem)");
        }
        return new PemPair(chain, key);
    }

    X509Certificate leaf() {
        return chain.getFirst();
    }

    /** An in-memory key store holding the pair, for Jetty's SslContextFactory. */
    KeyStore keyStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, STORE_PASSWORD, chain.toArray(X509Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("an in-memory key store could not be made", e);
        }
    }

    /** For the log: whose certificate, until when. */
    String describe() {
        X509Certificate leaf = leaf();
        return "'" + leaf.getSubjectX500Principal().getName() + "' valid until " + leaf.getNotAfter().toInstant()
                + (leaf.getNotAfter().toInstant().isBefore(Instant.now()) ? " (EXPIRED: clients will refuse it)" : "");
    }

    private static List<X509Certificate> certificates(Path file) {
        List<PemBlock> blocks = blocks("SSL_CERT_FILE", file);
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (PemBlock block : blocks) {
                if (block.label().equals("CERTIFICATE")) {
                    chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
                }
            }
        } catch (CertificateException e) {
            throw new ConfigException("SSL_CERT_FILE: " + file + ": a certificate does not parse (" + e.getMessage() + ")");
        }
        if (chain.isEmpty()) {
            boolean key = blocks.stream().anyMatch(b -> b.label().endsWith("PRIVATE KEY"));
            throw new ConfigException("SSL_CERT_FILE: " + file + ": no certificate (expected: PEM with -----BEGIN CERTIFICATE-----"
                    + (key ? "; this file holds a private key: are SSL_CERT_FILE and SSL_KEY_FILE swapped?" : "") + ")");
        }
        return chain;
    }

    private static PrivateKey key(Path file, X509Certificate certificate) {
        PemBlock block = blocks("SSL_KEY_FILE", file).stream().filter(b -> b.label().endsWith("PRIVATE KEY")).findFirst()
                .orElseThrow(() -> new ConfigException("SSL_KEY_FILE: " + file + ": no private key (expected: PEM with -----BEGIN "
                        + "PRIVATE KEY-----, -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)"));
        if (block.label().equals("ENCRYPTED PRIVATE KEY") || block.encryptedHeaders()) {
            throw new ConfigException("SSL_KEY_FILE: " + file + ": the key is encrypted (expected: an unencrypted key, "
                    + "readable only by Forge's user; decrypt it once with: openssl pkey -in " + file + " -out server.key)");
        }
        String algorithm = certificate.getPublicKey().getAlgorithm();
        try {
            KeySpec spec = switch (block.label()) {
                case "PRIVATE KEY" -> new PKCS8EncodedKeySpec(block.der());
                case "RSA PRIVATE KEY" -> rsa(block.der());
                case "EC PRIVATE KEY" -> {
                    if (!(certificate.getPublicKey() instanceof ECPublicKey ec)) {
                        throw new ConfigException("SSL_KEY_FILE: " + file + ": an EC key, but the certificate in SSL_CERT_FILE "
                                + "holds a " + algorithm + " key (expected: the certificate's own key)");
                    }
                    Der sec1 = Der.sequence(block.der()); // version 1, the private scalar, [0] curve, [1] public key
                    sec1.integer();
                    yield new ECPrivateKeySpec(new BigInteger(1, sec1.octetString()), ec.getParams());
                }
                default -> throw new ConfigException("SSL_KEY_FILE: " + file + ": a " + block.label() + " is not supported (expected: "
                        + "PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY; convert it with: openssl pkey -in " + file + ")");
            };
            String keyAlgorithm = block.label().startsWith("RSA") ? "RSA" : block.label().startsWith("EC") ? "EC" : algorithm;
            return KeyFactory.getInstance(keyAlgorithm).generatePrivate(spec);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ConfigException("SSL_KEY_FILE: " + file + ": not a valid private key of the certificate's type, " + algorithm
                    + " (" + e.getMessage() + ")");
        }
    }

    /** PKCS#1: version, n, e, d, p, q, d mod (p-1), d mod (q-1), q⁻¹ mod p. */
    private static KeySpec rsa(byte[] der) {
        Der seq = Der.sequence(der);
        seq.integer();
        return new RSAPrivateCrtKeySpec(seq.integer(), seq.integer(), seq.integer(), seq.integer(), seq.integer(),
                seq.integer(), seq.integer(), seq.integer());
    }

    /** Whether {@code key} signs what the certificate's public key verifies. */
    private static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> key.getAlgorithm();
            default -> throw new ConfigException("SSL_KEY_FILE: a " + key.getAlgorithm() + " key is not supported (expected: RSA, EC or EdDSA)");
        };
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static List<PemBlock> blocks(String variable, Path file) {
        String text;
        try {
            if (Files.isDirectory(file)) {
                throw new ConfigException(variable + ": " + file + ": is a directory (expected: a PEM file)");
            }
            text = Files.readString(file, StandardCharsets.ISO_8859_1); // PEM is ASCII; any stray byte must not stop the read
        } catch (NoSuchFileException e) {
            throw new ConfigException(variable + ": " + file.toAbsolutePath() + ": no such file (expected: a PEM file; "
                    + "see docs/OPERATIONS.md, HTTPS)");
        } catch (AccessDeniedException e) {
            throw new ConfigException(variable + ": " + file + ": not readable by this user (expected: readable by Forge's user)");
        } catch (IOException e) {
            throw new ConfigException(variable + ": " + file + ": cannot be read (" + e.getMessage() + ")");
        }
        try {
            return PemBlock.all(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(variable + ": " + file + ": " + e.getMessage());
        }
    }
}

package dev.forge.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forge.config.ConfigException;
import dev.forge.config.TlsConfig;
import dev.forge.support.TestCertificates;
import dev.forge.support.TestCertificates.Pair;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key and certificate files operators have, made by openssl, read by the JDK alone; what is wrong is named. */
class PemPairTest {

    @TempDir
    Path dir;

    private static PemPair read(Path cert, Path key) {
        return PemPair.read(TlsConfig.OFF.withFiles(cert, key));
    }

    @Test
    void theDeploymentGuidesPkcs8PairIsRead() {
        Pair pair = TestCertificates.rsa(dir, "server", "your-domain.com", false);
        assertThat(TestCertificates.text(pair.key())).startsWith("-----BEGIN PRIVATE KEY-----");
        PemPair read = read(pair.cert(), pair.key());
        assertThat(read.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=your-domain.com");
        assertThat(read.keyStore()).isNotNull();
    }

    @Test
    void aPkcs1RsaKeyIsRead() {
        Pair pair = TestCertificates.rsa(dir, "server", "localhost", true);
        Path pkcs1 = TestCertificates.convert(pair.key(), dir.resolve("pkcs1.key"), "rsa", "-traditional");
        assertThat(TestCertificates.text(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(read(pair.cert(), pkcs1).key().getAlgorithm()).isEqualTo("RSA");
    }

    @Test
    void aSec1EcKeyIsRead() {
        Pair pair = TestCertificates.ecSec1(dir, "server", "localhost");
        assertThat(TestCertificates.text(pair.key())).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(read(pair.cert(), pair.key()).key().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void aFullChainKeepsEveryCertificateInOrder() throws Exception {
        Pair leaf = TestCertificates.rsa(dir, "leaf", "localhost", true);
        Pair other = TestCertificates.rsa(dir, "ca", "Some CA", false);
        Path fullchain = dir.resolve("fullchain.pem");
        Files.writeString(fullchain, TestCertificates.text(leaf.cert()) + TestCertificates.text(other.cert()));
        PemPair read = read(fullchain, leaf.key());
        assertThat(read.chain()).hasSize(2);
        assertThat(read.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
    }

    @Test
    void encryptedKeysAreRefusedInEitherForm() {
        Pair pair = TestCertificates.rsa(dir, "server", "localhost", true);
        Path pkcs8 = TestCertificates.convert(pair.key(), dir.resolve("enc8.key"), "pkey", "-aes256", "-passout", "pass:secret");
        Path pkcs1 = TestCertificates.convert(pair.key(), dir.resolve("enc1.key"), "rsa", "-traditional", "-aes256", "-passout", "pass:secret");
        assertThat(TestCertificates.text(pkcs8)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertThat(TestCertificates.text(pkcs1)).contains("Proc-Type: 4,ENCRYPTED");
        for (Path key : new Path[] {pkcs8, pkcs1}) {
            assertThatThrownBy(() -> read(pair.cert(), key)).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("SSL_KEY_FILE: " + key).hasMessageContaining("the key is encrypted");
        }
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() {
        Pair one = TestCertificates.rsa(dir, "one", "localhost", true);
        Pair two = TestCertificates.rsa(dir, "two", "localhost", true);
        assertThatThrownBy(() -> read(one.cert(), two.key())).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("SSL_KEY_FILE: " + two.key()).hasMessageContaining("is not the key of the certificate");
        Pair ec = TestCertificates.ecSec1(dir, "ec", "localhost");
        assertThatThrownBy(() -> read(one.cert(), ec.key())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("an EC key, but the certificate in SSL_CERT_FILE holds a RSA key");
    }

    @Test
    void missingSwappedAndBrokenFilesAreNamed() throws Exception {
        Pair pair = TestCertificates.rsa(dir, "server", "localhost", true);
        assertThatThrownBy(() -> read(dir.resolve("nope.crt"), pair.key())).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("SSL_CERT_FILE: ").hasMessageContaining("nope.crt: no such file");
        assertThatThrownBy(() -> read(pair.cert(), dir.resolve("nope.key"))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("SSL_KEY_FILE: ").hasMessageContaining("no such file");
        assertThatThrownBy(() -> read(pair.key(), pair.cert())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("SSL_CERT_FILE: " + pair.key() + ": no certificate")
                .hasMessageContaining("swapped");
        Path garbage = Files.writeString(dir.resolve("garbage.key"), "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> read(pair.cert(), garbage)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("SSL_KEY_FILE: " + garbage).hasMessageContaining("not valid base64");
        assertThatThrownBy(() -> read(dir, pair.key())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("is a directory");
    }
}

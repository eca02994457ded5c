package dev.forge.tls;

import dev.forge.config.ConfigException;
import dev.forge.config.TlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the certificate and key files again when their contents change, and hands a good new pair on. Contents, not
 * modification times or inotify events: certbot renews by pointing {@code live/} symlinks at new files in
 * {@code archive/}, a bind-mounted directory may not pass file events into a container, and a copy can keep its
 * time; reading two small files every few seconds sees all of these. A pair that does not check out (a key not yet
 * written beside its new certificate, a broken file) is logged and the pair being served stays.
 */
final class CertificateWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateWatch.class);

    private final TlsConfig config;
    private final Consumer<PemPair> renewed;
    private byte[] seen;
    private ScheduledFuture<?> task;

    CertificateWatch(TlsConfig config, Consumer<PemPair> renewed) {
        this.config = config;
        this.renewed = renewed;
        this.seen = digest();
    }

    void start(ScheduledExecutorService scheduler) {
        long every = config.reloadInterval().toMillis();
        task = scheduler.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    /** One look at the files; runs on the scheduler, never throws (a throw would end the schedule). */
    void check() {
        try {
            byte[] now = digest();
            if (now == null || Arrays.equals(now, seen)) {
                return; // unchanged, or unreadable for a moment (a symlink being replaced): the next look decides
            }
            seen = now;
            PemPair pair = PemPair.read(config);
            renewed.accept(pair);
            LOG.info("HTTPS certificate reloaded from {}: {}", config.certFile(), pair.describe());
        } catch (ConfigException e) {
            LOG.warn("HTTPS: the changed certificate files are not used, the current certificate stays: {}", e.getMessage());
        } catch (Exception e) {
            LOG.warn("HTTPS: reloading the certificate failed, the current certificate stays", e);
        }
    }

    /** A digest of both files' contents (through any symlinks), or null when one cannot be read right now. */
    private byte[] digest() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(Files.readAllBytes(config.certFile()));
            sha.update((byte) 0);
            sha.update(Files.readAllBytes(config.keyFile()));
            return sha.digest();
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}

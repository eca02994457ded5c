package dev.forge.auth;

import dev.forge.store.RedisLink;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's sign-ins in Redis, so that every replica knows a browser signed in on another. Nothing in Redis opens
 * a sign-in or gives away its credential: a record is found by the SHA-256 of the cookie (not the cookie), and the
 * credential in it is sealed (AES-256-GCM) with a key derived from the cookie, which only the browser holds. Redis
 * drops a record left idle for {@link ConsoleSessions#IDLE}; one open for {@link ConsoleSessions#LIFETIME} is refused
 * and dropped. One credential holds at most {@link ConsoleSessions#PER_CREDENTIAL} sign-ins made through each replica
 * (the replica keeps which, in memory, without the credential itself).
 */
final class RedisSignIns implements SignInStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSignIns.class);
    private static final String KEY = "forge:console:";
    /** Writes a new record and its expiry in one step: no record is ever left without one. */
    private static final String CREATE = "redis.call('hset', KEYS[1], 'sealed', ARGV[1], 'started', ARGV[2], 'used', ARGV[2])"
            + " return redis.call('pexpire', KEYS[1], ARGV[3])";
    /** A person's request: the idle time starts again (only for a record that still exists). */
    private static final String TOUCH = "if redis.call('exists', KEYS[1]) == 1 then redis.call('hset', KEYS[1], 'used', ARGV[1])"
            + " return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0";
    /** How often a person's requests push a sign-in's idle time back: not a write per click. */
    private static final long TOUCH_EVERY_MS = 60_000;
    private static final int IV_BYTES = 12;

    private final StatefulRedisConnection<String, String> connection;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** Keys the digests of credentials this replica keeps: its own, since they never leave it. */
    private final byte[] digestKey = new byte[32];
    /** The records of the sign-ins made here, by a digest of their credential, oldest first; bounded in all. */
    private final Map<String, Deque<String>> madeHere = new LinkedHashMap<>(16, 0.75f, true);
    private int madeHereCount;
    /** Sign-outs Redis refused, to be carried out once it is back; one worker at a time. */
    private final java.util.Set<String> pendingEnds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicBoolean endingWorker = new java.util.concurrent.atomic.AtomicBoolean();

    RedisSignIns(RedisLink redis, Clock clock) {
        this.connection = redis.client().connect();
        this.clock = clock;
        random.nextBytes(digestKey);
    }

    @Override
    public String open(String authorization) {
        byte[] cookie = new byte[32];
        random.nextBytes(cookie);
        String key = key(cookie);
        long now = clock.millis();
        try {
            connection.sync().eval(CREATE, ScriptOutputType.INTEGER, new String[] {key}, seal(cookie, key, authorization),
                    String.valueOf(now), String.valueOf(ConsoleSessions.IDLE.toMillis()));
        } catch (RedisException e) {
            throw new IllegalStateException("the sign-ins the replicas share cannot be stored: Redis cannot be reached", e);
        }
        for (String dropped : remember(authorization, key)) {
            connection.async().del(dropped);
        }
        return HexFormat.of().formatHex(cookie);
    }

    /** Notes a sign-in made here; the records past the bounds (per credential, and in all), to drop. */
    private synchronized java.util.List<String> remember(String authorization, String key) {
        java.util.List<String> dropped = new java.util.ArrayList<>();
        // a keyed digest, so memory holds nothing that would check a guessed password
        Deque<String> keys = madeHere.computeIfAbsent(HexFormat.of().formatHex(hmac(authorization, digestKey)), k -> new ArrayDeque<>());
        keys.addLast(key);
        madeHereCount++;
        while (keys.size() > ConsoleSessions.PER_CREDENTIAL) {
            dropped.add(keys.removeFirst());
            madeHereCount--;
        }
        Iterator<Deque<String>> oldest = madeHere.values().iterator();
        while (madeHereCount > ConsoleSessions.MAX && oldest.hasNext()) {
            Deque<String> first = oldest.next();
            madeHereCount -= first.size();
            first.forEach(dropped::add);
            oldest.remove();
        }
        return dropped;
    }

    @Override
    public String authorization(String cookieText, boolean byAPerson) {
        byte[] cookie = cookie(cookieText);
        if (cookie == null) {
            return null;
        }
        String key = key(cookie);
        Map<String, String> record;
        try {
            record = connection.sync().hgetall(key);
        } catch (RedisException e) {
            LOG.warn("the console's sign-ins cannot be read from Redis ({}): the browser is asked to sign in", e.getMessage());
            return null;
        }
        if (record == null || !record.containsKey("sealed")) {
            return null;
        }
        long now = clock.millis();
        long started = Long.parseLong(record.getOrDefault("started", "0"));
        long used = Long.parseLong(record.getOrDefault("used", "0"));
        if (now - started > ConsoleSessions.LIFETIME.toMillis() || now - used > ConsoleSessions.IDLE.toMillis()) {
            connection.async().del(key);
            return null;
        }
        String authorization = open(cookie, key, record.get("sealed"));
        if (authorization != null && byAPerson && now - used > TOUCH_EVERY_MS) {
            try { // at most once a minute for a sign-in: the next request, on any replica, must see it
                connection.sync().eval(TOUCH, ScriptOutputType.INTEGER, new String[] {key}, String.valueOf(now),
                        String.valueOf(ConsoleSessions.IDLE.toMillis()));
            } catch (RedisException e) {
                LOG.warn("a console sign-in's use could not be noted in Redis: {}", e.getMessage());
            }
        }
        return authorization;
    }

    @Override
    public boolean close(String cookieText) {
        byte[] cookie = cookie(cookieText);
        if (cookie == null) {
            return true;
        }
        String key = key(cookie);
        try {
            connection.sync().del(key);
            return true;
        } catch (RedisException e) {
            LOG.warn("a console sign-out could not reach Redis ({}); it is carried out once Redis is back", e.getMessage());
            endLater(key);
            return false;
        }
    }

    /**
     * Keeps a sign-out Redis refused, for one worker to carry out once Redis is back (tried every 5 s while this process
     * runs). Bounded: past {@link ConsoleSessions#MAX} waiting, the sign-in lapses by itself when idle.
     */
    private void endLater(String key) {
        if (pendingEnds.size() >= ConsoleSessions.MAX) {
            return;
        }
        pendingEnds.add(key);
        if (endingWorker.compareAndSet(false, true)) {
            Thread.ofVirtual().name("console-sign-outs").start(this::endPending);
        }
    }

    private void endPending() {
        try {
            while (!pendingEnds.isEmpty()) {
                Thread.sleep(5_000);
                for (String key : java.util.List.copyOf(pendingEnds)) {
                    connection.sync().del(key);
                    pendingEnds.remove(key);
                }
            }
        } catch (RedisException e) {
            // still unreachable: the next round
        } catch (InterruptedException e) {
            return;
        } finally {
            endingWorker.set(false);
        }
        if (!pendingEnds.isEmpty() && endingWorker.compareAndSet(false, true)) {
            Thread.ofVirtual().name("console-sign-outs").start(this::endPending);
        }
    }

    /** The cookie's bytes, or null for a value this store never gave. */
    private static byte[] cookie(String text) {
        if (text == null || text.length() != 64) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String key(byte[] cookie) {
        try {
            return KEY + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cookie));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The credential sealed under a key only the cookie gives, bound to its record. */
    private String seal(byte[] cookie, String key, String authorization) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, cookie, key, iv);
            byte[] sealed = cipher.doFinal(authorization.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    /** The credential, or null when the record does not open with this cookie (altered, or not this store's). */
    private static String open(byte[] cookie, String key, String sealedText) {
        try {
            byte[] sealed = Base64.getDecoder().decode(sealedText);
            byte[] iv = java.util.Arrays.copyOf(sealed, IV_BYTES);
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, cookie, key, iv);
            return new String(cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }

    private static Cipher cipher(int mode, byte[] cookie, String key, byte[] iv) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(hmac("forge console sign-in", cookie), "AES"), new GCMParameterSpec(128, iv));
        cipher.updateAAD(key.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    /** HMAC-SHA256 of the text under the key given: the cookie's sealing key, or a credential's digest. */
    private static byte[] hmac(String text, byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}

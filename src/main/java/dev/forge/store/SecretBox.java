package dev.forge.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Encrypts upstream credentials at rest: every value under {@code headers} and {@code env} of a stored spec is
 * written as {@code enc:v1:} + base64(IV ‖ AES-256-GCM ciphertext), with the key derived (SHA-256) from
 * {@code FORGE_ENCRYPTION_KEY}. Without a key, development stores them as they are; production refuses to store any.
 */
public final class SecretBox {

    static final String PREFIX = "enc:v1:";
    private static final String[] SECRET_FIELDS = {"headers", "env"};
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final boolean refuseWithoutKey;
    private final SecureRandom random = new SecureRandom();

    private SecretBox(SecretKey key, boolean refuseWithoutKey) {
        this.key = key;
        this.refuseWithoutKey = refuseWithoutKey;
    }

    /** A box for this key (null: none), refusing to store credentials in the clear when {@code production}. */
    public static SecretBox of(String keyText, boolean production) {
        if (keyText == null) {
            return new SecretBox(null, production);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(keyText.getBytes(StandardCharsets.UTF_8));
            return new SecretBox(new SecretKeySpec(digest, "AES"), production);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    public boolean encrypts() {
        return key != null;
    }

    /** A copy of the spec with its credential values encrypted. */
    ObjectNode seal(ObjectNode spec) {
        ObjectNode copy = spec.deepCopy();
        for (String field : SECRET_FIELDS) {
            if (copy.get(field) instanceof ObjectNode values && !values.isEmpty()) {
                if (key == null) {
                    if (refuseWithoutKey) {
                        throw new SecretsException(field + ": credentials cannot be stored: FORGE_ENCRYPTION_KEY is not set "
                                + "(production never stores them in the clear; make generate-secrets writes a key)");
                    }
                    continue;
                }
                for (Map.Entry<String, JsonNode> e : values.properties()) {
                    String plain = e.getValue().asString();
                    if (!plain.startsWith(PREFIX)) {
                        values.put(e.getKey(), encrypt(plain));
                    }
                }
            }
        }
        return copy;
    }

    /** A copy of a stored spec with its credential values readable again. */
    ObjectNode open(ObjectNode stored) {
        ObjectNode copy = stored;
        for (String field : SECRET_FIELDS) {
            if (stored.get(field) instanceof ObjectNode values) {
                for (Map.Entry<String, JsonNode> e : values.properties()) {
                    String text = e.getValue().asString();
                    if (text.startsWith(PREFIX)) {
                        if (copy == stored) {
                            copy = stored.deepCopy();
                        }
                        ((ObjectNode) copy.get(field)).put(e.getKey(), decrypt(field + "." + e.getKey(), text));
                    }
                }
            }
        }
        return copy;
    }

    private String encrypt(String plain) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    private String decrypt(String where, String text) {
        if (key == null) {
            throw new SecretsException(where + ": stored encrypted, and FORGE_ENCRYPTION_KEY is not set");
        }
        try {
            byte[] all = Base64.getDecoder().decode(text.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
            return new String(cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SecretsException(where + ": cannot be decrypted with this FORGE_ENCRYPTION_KEY (was it changed?)");
        }
    }
}

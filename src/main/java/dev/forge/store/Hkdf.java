package dev.forge.store;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF with HMAC-SHA256 (RFC 5869): extract a pseudorandom key from the input, then expand it to the length asked for. */
final class Hkdf {

    private static final String HMAC = "HmacSHA256";
    private static final int HASH_BYTES = 32;

    private Hkdf() {}

    static byte[] sha256(byte[] salt, byte[] inputKey, byte[] info, int length) {
        if (length < 1 || length > 255 * HASH_BYTES) {
            throw new IllegalArgumentException("length: " + length + " (expected: 1 to " + 255 * HASH_BYTES + ")");
        }
        try {
            // an empty salt means HashLen zero bytes (RFC 5869 §2.2); an HMAC key may not be empty in Java
            byte[] pseudorandomKey = mac(salt.length == 0 ? new byte[HASH_BYTES] : salt).doFinal(inputKey);
            Mac expand = mac(pseudorandomKey);
            ByteArrayOutputStream out = new ByteArrayOutputStream(length + HASH_BYTES);
            byte[] previous = new byte[0];
            for (int i = 1; out.size() < length; i++) {
                expand.update(previous);
                expand.update(info);
                expand.update((byte) i);
                previous = expand.doFinal();
                out.writeBytes(previous);
            }
            return java.util.Arrays.copyOf(out.toByteArray(), length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(HMAC + " is not available", e);
        }
    }

    private static Mac mac(byte[] key) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(HMAC);
        mac.init(new SecretKeySpec(key, HMAC));
        return mac;
    }
}

package dev.forge.store;

import static dev.forge.store.SealedParts.FIELDS;
import static dev.forge.store.SealedParts.URL;
import static dev.forge.store.SealedParts.hasCurrentFormat;
import static dev.forge.store.SealedParts.isSealed;
import static dev.forge.store.SealedParts.rewrite;
import static dev.forge.store.SealedParts.sealsUrl;
import static dev.forge.store.SealedParts.url;
import static dev.forge.store.SealedParts.withUrl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Seals upstream credentials at rest: every value under {@code headers} and {@code env} of a stored spec, and its
 * {@code url} when that has a user part or a query, is written as {@code enc:v2:} + base64(IV ‖ AES-256-GCM
 * ciphertext). The key is derived from {@code FORGE_ENCRYPTION_KEY} with HKDF-SHA256. The associated data is where the
 * value lives ({@code gateways/<id>/headers/Authorization}), so a value copied into another record or field does not
 * open; for headers and environment values it also names where they are sent (the url's origin, the command), so a
 * stored url or command changed behind Forge's back leaves them sealed instead of handing them to someone else.
 *
 * <p>Reading tries {@code FORGE_ENCRYPTION_KEY}, then {@code FORGE_ENCRYPTION_KEY_PREVIOUS}, and still accepts the
 * first format, {@code enc:v1:} (key: SHA-256 of the key text; no associated data); {@link SecretRotation} re-seals
 * what is not yet v2 under the current key. Without a key, development stores credentials as they are; production
 * refuses to store any.
 */
public final class SecretBox {

    static final String V1 = "enc:v1:";
    static final String V2 = "enc:v2:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    // The key text is already a long random secret (make generate-secrets), so a salt adds no strength here: a fixed
    // one keeps derivation a pure function of the key, with nothing extra to store. The info string ties the derived
    // key to this format, so a later format can derive a key of its own from the same text.
    private static final byte[] SALT = "dev.forge.store.SecretBox".getBytes(StandardCharsets.UTF_8);
    private static final byte[] INFO = "forge sealed values v2".getBytes(StandardCharsets.UTF_8);

    /** The keys one key text gives: for the first format (to read it) and for the current one. */
    private record Key(SecretKey v1, SecretKey v2) {
        static Key derive(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            try {
                return new Key(new SecretKeySpec(MessageDigest.getInstance("SHA-256").digest(bytes), "AES"),
                        new SecretKeySpec(Hkdf.sha256(SALT, bytes, INFO, 32), "AES"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-256 is not available", e);
            }
        }
    }

    /** What re-sealing one spec did: the spec to store, and how many values were re-sealed, sealed, or already current. */
    record Resealed(ObjectNode spec, int resealed, int sealed, int current) {
        boolean changed() {
            return resealed + sealed > 0;
        }
    }

    /** The plain text of one value, and whether it is sealed as this box seals now (v2, current key). */
    private record Opened(String plain, boolean current) {}

    private final Key current;
    private final List<Key> keys;
    private final boolean previousSet;
    private final boolean refuseWithoutKey;
    private final SecureRandom random = new SecureRandom();

    private SecretBox(Key current, Key previous, boolean refuseWithoutKey) {
        this.current = current;
        this.keys = java.util.stream.Stream.of(current, previous).filter(java.util.Objects::nonNull).toList(); // in the order tried
        this.previousSet = previous != null;
        this.refuseWithoutKey = refuseWithoutKey;
    }

    /** A box for this key (null: none), refusing to store credentials in the clear when {@code production}. */
    public static SecretBox of(String keyText, boolean production) {
        return of(keyText, null, production);
    }

    /** The same, also reading values sealed with {@code previousKeyText} (null: none), the key being rotated away from. */
    public static SecretBox of(String keyText, String previousKeyText, boolean production) {
        return new SecretBox(keyText == null ? null : Key.derive(keyText),
                previousKeyText == null ? null : Key.derive(previousKeyText), production);
    }

    public boolean encrypts() {
        return current != null;
    }

    /** The spec with its credential values sealed for {@code owner}: a copy, unless it has none to seal. */
    ObjectNode seal(ObjectNode spec, SecretOwner owner) {
        String url = url(spec);
        if (current == null) {
            if (refuseWithoutKey) {
                for (String field : FIELDS) {
                    if (spec.get(field) instanceof ObjectNode values && !values.isEmpty()) {
                        throw cannotStore(field);
                    }
                }
                if (url != null && sealsUrl(url)) {
                    throw cannotStore(URL);
                }
            }
            return spec;
        }
        // every value is sealed, even one that looks sealed: a ciphertext handed in must not be stored as if it were ours
        ObjectNode sealed = rewrite(spec, (field, name, text, destination) ->
                encrypt(text, owner.associatedData(field, name, destination)));
        return url != null && sealsUrl(url) ? withUrl(sealed, spec, encrypt(url, owner.associatedData(URL, null))) : sealed;
    }

    /** A stored spec with its url and credential values readable again: a copy, unless none was sealed. */
    ObjectNode open(ObjectNode stored, SecretOwner owner) {
        String url = url(stored);
        // the url first: the headers are bound to its plain origin
        ObjectNode spec = url != null && isSealed(url)
                ? withUrl(stored, stored, openValue(owner, URL, null, url, null).plain()) : stored;
        boolean sealedRecord = hasCurrentFormat(stored);
        return rewrite(spec, (field, name, text, destination) -> {
            if (isSealed(text)) {
                return openValue(owner, field, name, text, destination).plain();
            }
            if (sealedRecord) {
                throw inTheClearBesideSealed(owner, field, name);
            }
            return null;
        });
    }

    /** The stored spec with every value sealed as this box seals now; a value no key opens is an exception naming it. */
    Resealed reseal(ObjectNode stored, SecretOwner owner) {
        if (current == null) {
            throw new SecretsException("FORGE_ENCRYPTION_KEY is not set (expected: the key to re-seal with)");
        }
        int[] counts = new int[3]; // re-sealed, sealed (stored in the clear before), already current
        String url = url(stored);
        ObjectNode plain = stored; // with its url open: the headers are bound to its plain origin
        String urlToStore = url;
        if (url != null && isSealed(url)) {
            Opened opened = openValue(owner, URL, null, url, null);
            plain = withUrl(stored, stored, opened.plain());
            counts[opened.current() ? 2 : 0]++;
            urlToStore = opened.current() ? url : encrypt(opened.plain(), owner.associatedData(URL, null));
        } else if (url != null && sealsUrl(url)) {
            counts[1]++;
            urlToStore = encrypt(url, owner.associatedData(URL, null));
        }
        boolean sealedRecord = hasCurrentFormat(stored);
        ObjectNode spec = rewrite(plain, (field, name, text, destination) -> {
            if (!isSealed(text)) {
                if (sealedRecord) { // sealing it now would make it look as if Forge had written it
                    throw inTheClearBesideSealed(owner, field, name);
                }
                counts[1]++;
                return encrypt(text, owner.associatedData(field, name, destination));
            }
            Opened opened = openValue(owner, field, name, text, destination);
            if (opened.current()) {
                counts[2]++;
                return null;
            }
            counts[0]++;
            return encrypt(opened.plain(), owner.associatedData(field, name, destination));
        });
        if (counts[0] + counts[1] == 0) {
            return new Resealed(stored, 0, 0, counts[2]);
        }
        return new Resealed(url == null ? spec : withUrl(spec, stored, urlToStore), counts[0], counts[1], counts[2]);
    }

    private static SecretsException cannotStore(String field) {
        return new SecretsException(field + ": credentials cannot be stored: FORGE_ENCRYPTION_KEY is not set "
                + "(production never stores them in the clear; make generate-secrets writes a key)");
    }

    /**
     * Forge seals every value of a record at once, so a value in the clear beside sealed ones was put there another
     * way: an environment variable such as {@code PATH} or {@code NODE_OPTIONS} added with SQL would hand the
     * record's sealed values to another program as surely as a changed command would.
     */
    private static SecretsException inTheClearBesideSealed(SecretOwner owner, String field, String name) {
        return new SecretsException(owner.describe(field, name) + ": stored in the clear beside sealed values "
                + "(expected: sealed, as Forge writes every value of a record; was it added to the database directly?)");
    }

    private String encrypt(String plain, byte[] associatedData) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, current.v2(), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(associatedData);
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return V2 + Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /** One value; {@code destination} as for {@link SealedParts#destination}, ignored for the url (sealed by its place alone). */
    private Opened openValue(SecretOwner owner, String field, String name, String text, JsonNode destination) {
        if (current == null) {
            throw new SecretsException(owner.describe(field, name) + ": stored sealed, and FORGE_ENCRYPTION_KEY is not set");
        }
        boolean v2 = text.startsWith(V2);
        boolean bound = !URL.equals(field);
        byte[] associatedData = !v2 ? null
                : bound ? owner.associatedData(field, name, destination) : owner.associatedData(field, name);
        byte[] all;
        try {
            all = Base64.getDecoder().decode(text.substring(V2.length())); // both prefixes have the same length
        } catch (IllegalArgumentException e) {
            all = new byte[0];
        }
        for (Key key : keys) {
            String plain = decrypt(v2 ? key.v2() : key.v1(), all, associatedData);
            if (plain != null) {
                return new Opened(plain, v2 && key == current);
            }
        }
        String keyNames = previousSet ? "FORGE_ENCRYPTION_KEY or FORGE_ENCRYPTION_KEY_PREVIOUS" : "FORGE_ENCRYPTION_KEY";
        throw new SecretsException(owner.describe(field, name) + ": cannot be opened with " + keyNames + (!v2
                ? " (was the key changed?)"
                : " (was the key changed, or the value copied here from another record or field"
                        + (bound ? ", or its url/command changed?)" : "?)")));
    }

    /** The plain text, or null if this key (with this associated data) does not open it. */
    private static String decrypt(SecretKey key, byte[] all, byte[] associatedData) {
        if (all.length < IV_BYTES + TAG_BITS / 8) {
            return null;
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
            if (associatedData != null) {
                cipher.updateAAD(associatedData);
            }
            return new String(cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }
}

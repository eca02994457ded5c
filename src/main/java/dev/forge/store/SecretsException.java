package dev.forge.store;

/** Credentials that cannot be stored (no key in production) or read back (wrong or missing key). */
public final class SecretsException extends RuntimeException {

    public SecretsException(String message) {
        super(message, null, false, false);
    }
}

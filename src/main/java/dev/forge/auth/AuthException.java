package dev.forge.auth;

/** A credential was missing or not accepted; the message says which and why, and never repeats the credential. */
public final class AuthException extends RuntimeException {

    public AuthException(String message) {
        super(message, null, false, false);
    }
}

package dev.forge.session;

/** A principal asked for one session more than it may hold. */
public final class SessionLimitException extends RuntimeException {

    public SessionLimitException(String message) {
        super(message, null, false, false);
    }
}

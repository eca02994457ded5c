package dev.forge.store;

/** A name that must be unique is taken; the message names it. */
public final class DuplicateNameException extends RuntimeException {
    public DuplicateNameException(String message, Throwable cause) {
        super(message, cause);
    }
}

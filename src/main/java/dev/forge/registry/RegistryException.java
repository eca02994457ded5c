package dev.forge.registry;

/** A registry request that cannot be carried out, with the HTTP status that says why. */
public final class RegistryException extends RuntimeException {

    private final int status;

    public RegistryException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}

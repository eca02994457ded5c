package dev.forge.upstream;

/** An upstream could not be reached, failed, or broke the protocol; the message names the upstream. */
public final class UpstreamException extends RuntimeException {

    private final int httpStatus;

    public UpstreamException(String message) {
        this(message, null, 0);
    }

    public UpstreamException(String message, Throwable cause) {
        this(message, cause, 0);
    }

    UpstreamException(String message, Throwable cause, int httpStatus) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    /** The HTTP status an HTTP upstream refused us with, or 0. */
    int httpStatus() {
        return httpStatus;
    }

    /** The upstream no longer knows our session (it restarted): a new one must be initialized. */
    boolean sessionExpired() {
        return httpStatus == 404;
    }
}

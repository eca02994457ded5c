package dev.forge.upstream;

import dev.forge.config.MaskedUrl;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An upstream could not be reached, failed, or broke the protocol. Two texts: {@link #getMessage()} is the whole
 * story for the log and for {@code /health} (URLs masked), {@link #clientMessage()} what a client is told — the
 * upstream's name, the kind of failure and a reference it can quote, never a URL or the upstream's own error body.
 */
public final class UpstreamException extends RuntimeException {

    /** What went wrong, as a client may know it. */
    public enum Kind {
        UNREACHABLE("is unreachable"),
        TIMED_OUT("timed out"),
        REFUSED("refused the request"),
        PROTOCOL_ERROR("broke the protocol"),
        HTTP_STATUS("answered with an HTTP error");

        private final String phrase;

        Kind(String phrase) {
            this.phrase = phrase;
        }

        /** As JSON shows it: {@code unreachable}, {@code timed_out}, … */
        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String upstream;
    private final Kind kind;
    private final int httpStatus;
    private final String reference;
    private final boolean bodyNamesSession;

    public UpstreamException(String upstream, Kind kind, String detail) {
        this(upstream, kind, detail, null, 0);
    }

    public UpstreamException(String upstream, Kind kind, String detail, Throwable cause) {
        this(upstream, kind, detail, cause, 0);
    }

    UpstreamException(String upstream, Kind kind, String detail, Throwable cause, int httpStatus) {
        this(upstream, kind, detail, cause, httpStatus, false);
    }

    /** @param bodyNamesSession the error body of an HTTP answer spoke of a session (what some servers say for 404) */
    UpstreamException(String upstream, Kind kind, String detail, Throwable cause, int httpStatus, boolean bodyNamesSession) {
        super(MaskedUrl.inText(upstream + ": " + detail), cause, false, false); // no stack: it is logged by its text
        this.bodyNamesSession = bodyNamesSession;
        this.upstream = upstream;
        this.kind = httpStatus == 401 || httpStatus == 403 ? Kind.REFUSED : kind;
        this.httpStatus = httpStatus;
        this.reference = newReference();
    }

    /** Twelve hex digits: unique enough to find one failure in a day's log, short enough to read out. */
    public static String newReference() {
        return String.format("%012x", ThreadLocalRandom.current().nextLong() >>> 16);
    }

    public String upstream() {
        return upstream;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status an HTTP upstream answered with, or 0. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Quoted to the client and written beside the detail in the log and {@code /health}. */
    public String reference() {
        return reference;
    }

    /** What the client is told, e.g. {@code Upstream 'docs' answered with an HTTP error (HTTP 502; reference 3f9a…)}. */
    public String clientMessage() {
        return "Upstream '" + upstream + "' " + kind.phrase + " ("
                + (httpStatus > 0 ? "HTTP " + httpStatus + "; " : "") + "reference " + reference + ")";
    }

    /** The upstream no longer knows our session (it restarted): a new one must be initialized. */
    boolean sessionExpired() {
        return httpStatus == 404;
    }

    /**
     * The spec says 404 for an unknown session; some servers (server-everything among them) answer 400 naming the
     * session instead. Either, for a session we had, means the server restarted and a new one is needed.
     */
    boolean forgotSession() {
        return httpStatus == 404 || (httpStatus == 400 && bodyNamesSession); // the body only: not the upstream's name or URL
    }
}

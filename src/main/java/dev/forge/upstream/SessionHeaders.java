package dev.forge.upstream;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpField;

/**
 * What every Streamable HTTP request of one session carries once known: its {@code Mcp-Session-Id} and the agreed
 * {@code MCP-Protocol-Version}, kept as ready-made fields so no request looks a header name up again.
 */
final class SessionHeaders {

    static final String SESSION = "Mcp-Session-Id";

    private volatile String sessionId;
    private volatile HttpField session;
    private volatile HttpField version;

    String sessionId() {
        return sessionId;
    }

    /** The server named (or renamed) our session. */
    void session(String id) {
        if (!id.equals(sessionId)) {
            session = new HttpField(SESSION, id);
            sessionId = id;
        }
    }

    /** Forgets the session (one the server made for a request we will not go on with). */
    void forget() {
        session = null;
        sessionId = null;
    }

    /** The revision every request names from now on; null: none named (before a legacy session is agreed). */
    void version(String agreed) {
        version = agreed == null ? null : new HttpField("MCP-Protocol-Version", agreed);
    }

    /** The headers of one request: its Accept (or null), the session's, and one more (or null). */
    List<HttpField> with(HttpField accept, HttpField more) {
        List<HttpField> fields = new ArrayList<>(4);
        if (accept != null) {
            fields.add(accept);
        }
        HttpField sid = session;
        if (sid != null) {
            fields.add(sid);
        }
        HttpField agreed = version;
        if (agreed != null) {
            fields.add(agreed);
        }
        if (more != null) {
            fields.add(more);
        }
        return fields;
    }
}

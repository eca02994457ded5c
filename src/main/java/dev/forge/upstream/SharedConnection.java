package dev.forge.upstream;

import dev.forge.protocol.Json;
import tools.jackson.databind.node.ObjectNode;

/**
 * The connection all of an upstream's clients share (every call, unless sessions are per client), what the upstream
 * agreed to on it at initialize, and the lists it offers there.
 */
final class SharedConnection {

    private volatile UpstreamClient client;
    private volatile String protocolVersion;
    private volatile ObjectNode serverInfo;
    private volatile ObjectNode capabilities = Json.object();
    private volatile UpstreamLists lists = UpstreamLists.EMPTY;

    /** The connection, or null while there is none (connecting, failed, asleep, stopped). */
    UpstreamClient current() {
        return client;
    }

    synchronized void use(UpstreamClient connection) {
        client = connection;
    }

    /** Takes the connection away (null if there was none); the caller closes it. One caller gets it, whoever races. */
    synchronized UpstreamClient take() {
        UpstreamClient c = client;
        client = null;
        return c;
    }

    /** Records what the upstream answered to initialize on this connection. */
    void agreed(String version, ObjectNode info, ObjectNode declared) {
        protocolVersion = version;
        serverInfo = info;
        capabilities = declared;
    }

    String protocolVersion() {
        return protocolVersion;
    }

    ObjectNode serverInfo() {
        return serverInfo;
    }

    /** The capabilities the upstream declared (empty before it was first initialized). */
    ObjectNode capabilities() {
        return capabilities;
    }

    UpstreamLists lists() {
        return lists;
    }

    void lists(UpstreamLists current) {
        lists = current;
    }
}

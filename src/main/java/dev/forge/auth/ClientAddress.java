package dev.forge.auth;

import io.javalin.http.Context;
import java.util.Set;

/**
 * The address of the client a request comes from. Behind a reverse proxy listed in {@code TRUSTED_PROXIES}, that is
 * the nearest untrusted address in {@code X-Forwarded-For}; otherwise the connection's peer. Nobody else's
 * {@code X-Forwarded-For} is believed, so a client cannot pass itself off as loopback or dodge its rate limit.
 */
public final class ClientAddress {

    private static final String ATTRIBUTE = "forge.client-address";

    private final Set<String> trustedProxies;

    public ClientAddress(Set<String> trustedProxies) {
        this.trustedProxies = Set.copyOf(trustedProxies);
    }

    /** Works out the address and leaves it on the request; always lets the request go on. */
    public boolean admit(Context ctx) {
        ctx.attribute(ATTRIBUTE, resolve(ctx.ip(), ctx.header("X-Forwarded-For")));
        return true;
    }

    String resolve(String peer, String forwardedFor) {
        if (forwardedFor == null || !trustedProxies.contains(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
                return hop;
            }
        }
        return peer;
    }

    /** The client's address as worked out for this request (the peer's when nothing was worked out). */
    public static String of(Context ctx) {
        String address = ctx.attribute(ATTRIBUTE);
        return address == null ? ctx.ip() : address;
    }
}

package dev.forge.admin;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Cross-site request forgery, refused: every change the console makes is a POST that must carry, in a form field or
 * a header, this browser's token. Signed in, the token is a hash keyed by the sign-in's own secret cookie (it changes
 * with each sign-in, and every replica computes the same one); before that (the sign-in form itself, or a console
 * that needs no sign-in) it is the value of a random cookie of its own. Another site can make a browser send the
 * cookies (and a cached basic-auth password) but cannot read them to put the token in its form. This is the second
 * line: the cookies are {@code SameSite=Strict}, and a request whose {@code Origin} is not this gateway's is refused
 * before it gets here.
 */
final class Csrf {

    static final String COOKIE = "forge_csrf";
    static final String FIELD = "_csrf";
    static final String HEADER = "X-CSRF-Token";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] PURPOSE = "forge console csrf".getBytes(StandardCharsets.UTF_8);

    private Csrf() {}

    /** This browser's token: its sign-in's, or the random cookie's (made on its first page). */
    static String token(Context ctx) {
        String signIn = ctx.cookie(dev.forge.auth.ConsoleSessions.COOKIE);
        if (signIn != null && !signIn.isEmpty()) {
            return derived(signIn);
        }
        String token = ctx.cookie(COOKIE);
        if (token == null || token.length() != 64) {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            token = HexFormat.of().formatHex(bytes);
            Cookies.set(ctx, COOKIE, token);
        }
        return token;
    }

    /** True if the request carries this browser's token. */
    static boolean valid(Context ctx) {
        String signIn = ctx.cookie(dev.forge.auth.ConsoleSessions.COOKIE);
        String expected = signIn != null && !signIn.isEmpty() ? derived(signIn) : ctx.cookie(COOKIE);
        String sent = ctx.header(HEADER) != null ? ctx.header(HEADER) : ctx.formParam(FIELD);
        return expected != null && sent != null
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Keyed by the sign-in's cookie itself: only the browser (and the server it sends it to) can compute it, and every
     * replica computes the same one, as every replica knows the sign-in.
     */
    private static String derived(String signIn) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(signIn.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(PURPOSE));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}

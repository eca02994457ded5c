package dev.forge.admin;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Cross-site request forgery, refused: every change the console makes is a POST that must carry, in a form field or
 * a header, the same random token as the console's own cookie. Another site can make a browser send the cookie
 * (and a cached basic-auth password), but cannot read it to put it in the form. The cookie is also
 * {@code SameSite=Strict}, so most browsers never send it cross-site at all.
 */
final class Csrf {

    static final String COOKIE = "forge_csrf";
    static final String FIELD = "_csrf";
    static final String HEADER = "X-CSRF-Token";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Csrf() {}

    /** This browser's token, made (and set as its cookie) on its first page. */
    static String token(Context ctx) {
        String token = ctx.cookie(COOKIE);
        if (token == null || token.length() != 64) {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            token = HexFormat.of().formatHex(bytes);
            Cookies.set(ctx, COOKIE, token);
        }
        return token;
    }

    /** True if the request carries the token its cookie holds. */
    static boolean valid(Context ctx) {
        String cookie = ctx.cookie(COOKIE);
        String sent = ctx.header(HEADER) != null ? ctx.header(HEADER) : ctx.formParam(FIELD);
        return cookie != null && sent != null
                && MessageDigest.isEqual(cookie.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
    }
}

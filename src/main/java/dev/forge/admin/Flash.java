package dev.forge.admin;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What a change said, carried to the page the browser is sent to next, in a cookie that page reads once: never in
 * the address (where it would stay in the history and the access logs, and where anyone could write a message the
 * console would then show as its own).
 */
record Flash(String notice, String error) {

    private static final String NOTICE = "forge_notice";
    private static final String ERROR = "forge_error";
    private static final Flash NONE = new Flash(null, null);

    static void notice(Context ctx, String text) {
        Cookies.setBriefly(ctx, NOTICE, encode(text));
    }

    static void error(Context ctx, String text) {
        Cookies.setBriefly(ctx, ERROR, encode(text));
    }

    /** The messages waiting for this page, taken: the next page shows none. */
    static Flash take(Context ctx) {
        String notice = ctx.cookie(NOTICE);
        String error = ctx.cookie(ERROR);
        if (notice == null && error == null) {
            return NONE;
        }
        if (notice != null) {
            Cookies.clear(ctx, NOTICE);
        }
        if (error != null) {
            Cookies.clear(ctx, ERROR);
        }
        return new Flash(decode(notice), decode(error));
    }

    private static String encode(String text) {
        String shortened = text.length() > 1000 ? text.substring(0, 1000) + "…" : text; // a cookie holds about 4 KB
        return Base64.getUrlEncoder().withoutPadding().encodeToString(shortened.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String value) {
        if (value == null) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null; // not one of ours
        }
    }
}

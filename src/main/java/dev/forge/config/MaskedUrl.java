package dev.forge.config;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A URL as Forge may show it anywhere (answers, errors, logs, {@code /health}): a password becomes {@code ***}, and
 * so does a lone user part (often a token, as in {@code https://TOKEN@host}) and every query value (an API key in
 * {@code ?key=} is as secret as a password); user and parameter names stay, so an operator still sees which URL it
 * is. The fragment is dropped. Written for URLs people actually paste, not only valid ones: a password may hold
 * {@code /}, {@code ?} or {@code #} unencoded.
 */
public final class MaskedUrl {

    static final String MASK = "***";
    private static final Pattern URL_IN_TEXT = Pattern.compile("\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s'\"<>]+");
    private static final Pattern QUERY_VALUE = Pattern.compile("=[^&]*");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");
    private static final String TRAILING = ".,;:)]}";

    private MaskedUrl() {}

    public static String of(URI url) {
        return url == null ? null : of(url.toString());
    }

    /** One URL; text that does not parse as one is masked by its shape alone. */
    public static String of(String url) {
        if (url == null) {
            return null;
        }
        int scheme = url.indexOf("://");
        String head = scheme < 0 ? "" : url.substring(0, scheme + 3);
        String rest = scheme < 0 ? url : url.substring(scheme + 3);
        int at = userInfoEnd(rest);
        if (at >= 0) {
            String user = rest.substring(0, at);
            int colon = user.indexOf(':');
            head += (colon >= 0 ? user.substring(0, colon + 1) : "") + MASK + "@";
            rest = rest.substring(at + 1);
        }
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        int question = rest.indexOf('?');
        if (question < 0) {
            return head + rest;
        }
        String query = rest.substring(question + 1);
        return head + rest.substring(0, question) + "?"
                + (query.contains("=") ? QUERY_VALUE.matcher(query).replaceAll("=" + MASK) : MASK);
    }

    /**
     * Where the user part ends (its {@code @}), or -1. The first {@code @} counts when what precedes it has no
     * {@code /} (plain userinfo), or has a {@code :} before any {@code /} that is not a port ({@code user:pa/ss@}).
     * An {@code @} in a path ({@code https://host/@scope/pkg}) is not one.
     */
    private static int userInfoEnd(String afterScheme) {
        int at = afterScheme.indexOf('@');
        if (at < 0) {
            return -1;
        }
        String before = afterScheme.substring(0, at);
        int slash = firstOf(before, "/?#");
        if (slash < 0) {
            return at;
        }
        int colon = before.indexOf(':', before.startsWith("[") ? Math.max(0, before.indexOf(']')) : 0); // not inside [IPv6]
        if (colon < 0 || colon > slash) {
            return -1;
        }
        return PORT.matcher(before.substring(colon + 1, slash)).matches() ? -1 : at;
    }

    private static int firstOf(String text, String chars) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** Every URL inside a message (an exception's text, an upstream's error body) masked. */
    public static String inText(String message) {
        if (message == null || !message.contains("://")) {
            return message;
        }
        Matcher m = URL_IN_TEXT.matcher(message);
        StringBuilder out = new StringBuilder(message.length());
        while (m.find()) {
            String url = m.group();
            int end = url.length();
            while (end > 0 && TRAILING.indexOf(url.charAt(end - 1)) >= 0) {
                end--; // sentence punctuation after a URL is not part of it
            }
            m.appendReplacement(out, Matcher.quoteReplacement(of(url.substring(0, end)) + url.substring(end)));
        }
        m.appendTail(out);
        return out.toString();
    }
}

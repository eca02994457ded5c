package dev.forge.config;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A URL as Forge may show it anywhere (answers, errors, logs, {@code /health}): a password becomes {@code ***}, and
 * so does a lone user part (often a token, as in {@code https://TOKEN@host}) and every query value (an API key in
 * {@code ?key=} is as secret as a password); user and parameter names stay, so an operator still sees which URL it
 * is. The fragment is dropped.
 */
public final class MaskedUrl {

    static final String MASK = "***";
    private static final Pattern URL_IN_TEXT = Pattern.compile("\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s'\"<>]+");
    private static final String TRAILING = ".,;:)]}";
    private static final Pattern QUERY_VALUE = Pattern.compile("=[^&]*");

    private MaskedUrl() {}

    public static String of(URI url) {
        return url == null ? null : of(url.toString());
    }

    /** One URL; text that does not parse as one is masked by its shape alone. */
    public static String of(String url) {
        if (url == null) {
            return null;
        }
        String text = url;
        int hash = text.indexOf('#');
        if (hash >= 0) {
            text = text.substring(0, hash);
        }
        int question = text.indexOf('?');
        String query = question >= 0 ? text.substring(question + 1) : null;
        String head = question >= 0 ? text.substring(0, question) : text;
        int scheme = head.indexOf("://");
        int at = head.lastIndexOf('@');
        if (scheme >= 0 && at > scheme) {
            int slash = head.indexOf('/', scheme + 3);
            if (slash < 0 || at < slash) {
                String user = head.substring(scheme + 3, at);
                int colon = user.indexOf(':');
                head = head.substring(0, scheme + 3) + (colon > 0 ? user.substring(0, colon + 1) : "") + MASK + head.substring(at);
            }
        }
        if (query == null) {
            return head;
        }
        return head + "?" + (query.contains("=") ? QUERY_VALUE.matcher(query).replaceAll("=" + MASK) : MASK);
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

package dev.forge.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations written by people: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 7d}, or a bare number of ms. */
public final class Durations {

    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
    /** Far beyond any timeout, lifetime or interval, and far below where adding it to a date or converting it to ms overflows. */
    public static final Duration MAX = Duration.ofDays(36_500);
    private static final String RANGE = "from 1ms to 36500d";

    private Durations() {}

    public static Duration parse(String where, String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new ConfigException(where + ": '" + text + "' (expected: a duration such as 500ms, 30s, 2m)");
        }
        String unit = m.group(2) == null ? "ms" : m.group(2);
        Duration d;
        try {
            long amount = Long.parseLong(m.group(1));
            d = switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        } catch (NumberFormatException | ArithmeticException e) { // digits beyond a long, or beyond what Duration holds
            d = null;
        }
        if (d == null || d.compareTo(MAX) > 0) {
            throw new ConfigException(where + ": '" + text + "' is too long (expected: " + RANGE + ")");
        }
        if (d.isZero()) {
            throw new ConfigException(where + ": '" + text + "' (expected: " + RANGE + ")");
        }
        return d;
    }
}

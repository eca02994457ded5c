package dev.forge.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses durations written by people: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 7d}, or a bare
 * number. A bare number is milliseconds in {@code forge.yaml} and the environment, seconds in {@code services.yml}
 * (as the seed's file writes them: {@code idle_timeout: 300 # 5 minutes}). A bare number that reads like the other
 * unit is taken as written, with a warning that names the suffix to add.
 */
public final class Durations {

    private static final Logger LOG = LoggerFactory.getLogger(Durations.class);
    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
    /** Far beyond any timeout, lifetime or interval, and far below where adding it to a date or converting it to ms overflows. */
    public static final Duration MAX = Duration.ofDays(36_500);
    private static final String RANGE = "from 1ms to 36500d";
    /** Bare milliseconds below this look like seconds; bare seconds at or above it (over 16 minutes) look like ms. */
    private static final long OTHER_UNIT_THRESHOLD = 1000;

    private Durations() {}

    /** A bare number is milliseconds. */
    public static Duration parse(String where, String text) {
        return parse(where, text, ChronoUnit.MILLIS);
    }

    /** A bare number is {@code bareUnit}: {@link ChronoUnit#MILLIS} or {@link ChronoUnit#SECONDS}. */
    public static Duration parse(String where, String text, ChronoUnit bareUnit) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new ConfigException(where + ": '" + text + "' (expected: a duration such as 500ms, 30s, 2m)");
        }
        String unit = m.group(2) != null ? m.group(2) : bareUnit == ChronoUnit.SECONDS ? "s" : "ms";
        Duration d;
        long amount = -1;
        try {
            amount = Long.parseLong(m.group(1));
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
        if (m.group(2) == null) {
            warnIfOtherUnit(where, amount, bareUnit);
        }
        return d;
    }

    private static void warnIfOtherUnit(String where, long amount, ChronoUnit bareUnit) {
        if (bareUnit == ChronoUnit.MILLIS && amount < OTHER_UNIT_THRESHOLD) {
            LOG.warn("{}: {} is read as {} milliseconds; write {}s if seconds were meant", where, amount, amount, amount);
        } else if (bareUnit == ChronoUnit.SECONDS && amount >= OTHER_UNIT_THRESHOLD) {
            LOG.warn("{}: {} is read as {} seconds (a bare number is seconds in services.yml); write {}ms if milliseconds were meant",
                    where, amount, amount, amount);
        }
    }
}

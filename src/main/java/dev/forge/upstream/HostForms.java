package dev.forge.upstream;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The spellings of a host that resolvers accept and a plain string comparison misses: a trailing dot, IPv4 in the
 * forms of {@code inet_aton} ({@code 0xa9fea9fe}, {@code 2852039166}, {@code 0251.0376.0251.0376}, {@code 169.254.43518}),
 * and an address written inside a wildcard-DNS name ({@code 169.254.169.254.nip.io}, {@code 169-254-169-254.sslip.io}).
 */
final class HostForms {

    private HostForms() {}

    /** Lower case, without the trailing dot(s) of a fully qualified name. */
    static String canonical(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        int end = h.length();
        while (end > 0 && h.charAt(end - 1) == '.') {
            end--;
        }
        return h.substring(0, end);
    }

    /** The address if the whole name is IPv4 in a numeric form, else null. */
    static InetAddress numericIpv4(String name) {
        String[] parts = name.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = number(parts[i]);
            if (values[i] < 0) {
                return null;
            }
        }
        long address = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            if (values[i] > 255) {
                return null;
            }
            address |= values[i] << (8 * (3 - i));
        }
        long last = values[parts.length - 1];
        if (last >= 1L << (8 * (4 - (parts.length - 1)))) {
            return null; // the last part fills the bytes left, and no more
        }
        address |= last;
        byte[] bytes = {(byte) (address >> 24), (byte) (address >> 16), (byte) (address >> 8), (byte) address};
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            return null;
        }
    }

    /** An IPv4 address the name is or spells in its leading labels (dotted or dashed), else null. */
    static InetAddress ipv4Within(String name) {
        InetAddress whole = numericIpv4(name);
        if (whole != null) {
            return whole;
        }
        String[] labels = name.split("\\.");
        if (labels.length >= 5) {
            InetAddress dotted = numericIpv4(String.join(".", labels[0], labels[1], labels[2], labels[3]));
            if (dotted != null) {
                return dotted;
            }
        }
        for (String label : labels) {
            String[] dashed = label.split("-");
            if (dashed.length == 4) {
                InetAddress address = numericIpv4(String.join(".", dashed));
                if (address != null) {
                    return address;
                }
            }
        }
        return null;
    }

    /** Decimal, octal (leading 0) or hex (0x) as inet_aton reads it; -1 if not a number or too large. */
    private static long number(String part) {
        if (part.isEmpty() || part.length() > 12) {
            return -1;
        }
        int radix = 10;
        String digits = part;
        if (part.startsWith("0x") || part.startsWith("0X")) {
            radix = 16;
            digits = part.substring(2);
        } else if (part.length() > 1 && part.charAt(0) == '0') {
            radix = 8;
            digits = part.substring(1);
        }
        if (digits.isEmpty()) {
            return radix == 16 ? -1 : 0;
        }
        try {
            long value = Long.parseLong(digits, radix);
            return value <= 0xffffffffL ? value : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

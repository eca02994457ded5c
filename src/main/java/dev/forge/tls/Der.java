package dev.forge.tls;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Just enough DER to read the two traditional key formats the JDK has no decoder for (PKCS#1 RSA and SEC1 EC keys):
 * a SEQUENCE, then INTEGERs and OCTET STRINGs in order. Anything unexpected is an {@link IllegalArgumentException}.
 */
final class Der {

    private static final int INTEGER = 0x02;
    private static final int OCTET_STRING = 0x04;
    private static final int SEQUENCE = 0x30;

    private final byte[] bytes;
    private int at;
    private final int end;

    private Der(byte[] bytes, int at, int end) {
        this.bytes = bytes;
        this.at = at;
        this.end = end;
    }

    /** The contents of the SEQUENCE that {@code der} is. */
    static Der sequence(byte[] der) {
        Der outer = new Der(der, 0, der.length);
        int length = outer.header(SEQUENCE);
        return new Der(der, outer.at, outer.at + length);
    }

    BigInteger integer() {
        return new BigInteger(next(INTEGER));
    }

    byte[] octetString() {
        return next(OCTET_STRING);
    }

    private byte[] next(int tag) {
        int length = header(tag);
        byte[] value = Arrays.copyOfRange(bytes, at, at + length);
        at += length;
        return value;
    }

    /** Reads a tag and a length; returns the length, leaves {@link #at} on the value. */
    private int header(int tag) {
        if (at + 2 > end || (bytes[at] & 0xff) != tag) {
            throw new IllegalArgumentException("expected DER tag " + tag + " at byte " + at);
        }
        at++;
        int first = bytes[at++] & 0xff;
        int length;
        if (first < 0x80) {
            length = first;
        } else {
            int count = first & 0x7f;
            if (count == 0 || count > 3 || at + count > end) {
                throw new IllegalArgumentException("unsupported DER length at byte " + at);
            }
            length = 0;
            for (int i = 0; i < count; i++) {
                length = (length << 8) | (bytes[at++] & 0xff);
            }
        }
        if (at + length > end) {
            throw new IllegalArgumentException("DER value runs past its end at byte " + at);
        }
        return length;
    }
}

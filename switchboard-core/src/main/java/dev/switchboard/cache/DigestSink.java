package dev.switchboard.cache;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A SHA-256 fed through a small buffer with tagged, length-prefixed values, so that no two different value
 * sequences feed the same bytes. Strings go in char by char (no UTF-8 copy of a large string is made). Reusable:
 * {@link #finish()} resets it.
 */
final class DigestSink {
    private final MessageDigest sha;
    private final byte[] buf = new byte[4096];
    private int pos;

    DigestSink() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    void tag(char t) {
        room(1);
        buf[pos++] = (byte) t;
    }

    void int32(int v) {
        room(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    void int64(long v) {
        int32((int) (v >>> 32));
        int32((int) v);
    }

    void bytes(byte[] b) {
        flush();
        sha.update(b);
    }

    void string(String s) {
        chars(s, null, 0, s.length());
    }

    void chars(char[] c, int off, int len) {
        chars(null, c, off, len);
    }

    /**
     * The char count, then each char as 1 to 3 bytes (surrogates each on their own, as modified UTF-8 does): an
     * injective encoding without first making a UTF-8 copy. One of {@code s} and {@code c} is given.
     */
    private void chars(String s, char[] c, int off, int len) {
        tag('S');
        int32(len);
        for (int i = 0; i < len; i++) {
            char ch = s != null ? s.charAt(i) : c[off + i];
            room(3);
            if (ch < 0x80) {
                buf[pos++] = (byte) ch;
            } else if (ch < 0x800) {
                buf[pos++] = (byte) (0xC0 | (ch >> 6));
                buf[pos++] = (byte) (0x80 | (ch & 0x3F));
            } else {
                buf[pos++] = (byte) (0xE0 | (ch >> 12));
                buf[pos++] = (byte) (0x80 | ((ch >> 6) & 0x3F));
                buf[pos++] = (byte) (0x80 | (ch & 0x3F));
            }
        }
    }

    /** An integer, spelled as {@link #decimal(BigDecimal)} spells it, without making a BigDecimal. */
    void integer(long v) {
        int scale = 0;
        while (v != 0 && v % 10 == 0) {
            v /= 10;
            scale--;
        }
        tag('N');
        int64(v);
        int32(scale);
    }

    /** A number independent of its spelling: 1, 1.0, 1.00 and 1e0 are one value (unscaled digits and scale). */
    void decimal(BigDecimal d) {
        BigDecimal n = d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
        BigInteger unscaled = n.unscaledValue();
        if (unscaled.bitLength() < 64) {
            tag('N');
            int64(unscaled.longValue());
        } else {
            tag('B');
            byte[] b = unscaled.toByteArray();
            int32(b.length);
            bytes(b);
        }
        int32(n.scale());
    }

    /** The digest of what was fed; the sink is empty again. */
    byte[] finish() {
        flush();
        return sha.digest();
    }

    private void room(int n) {
        if (pos + n > buf.length) {
            flush();
        }
    }

    private void flush() {
        if (pos > 0) {
            sha.update(buf, 0, pos);
            pos = 0;
        }
    }
}

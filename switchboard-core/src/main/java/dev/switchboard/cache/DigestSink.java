package dev.switchboard.cache;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * A SHA-256 fed through a small buffer with tagged, length-prefixed values, so that no two different value
 * sequences feed the same bytes. Strings go in char by char (no UTF-8 copy of a large string is made). Reusable:
 * {@link #finish()} resets it.
 */
final class DigestSink {
    private final MessageDigest sha;
    /**
     * A member whose encoding is at most this long goes into its object as it is, not as its digest: a digest's
     * finish costs about as much as hashing a kilobyte, so small members are cheaper copied than digested.
     */
    static final int RAW_MEMBER = 1024;

    private final byte[] buf = new byte[4096];
    private int pos;
    /** Whether anything reached the digest since the last finish (else all of it is still in the buffer). */
    private boolean spilled;

    /**
     * Sinks by depth, kept per thread: making a SHA-256 instance and its buffer costs more than hashing a small
     * request. A hash takes the list and gives it back when done; a nested use (none today) would get fresh ones.
     */
    private static final ThreadLocal<List<DigestSink>> SPARE = ThreadLocal.withInitial(ArrayList::new);

    /** This thread's sinks, reset, for one hash; give them back with {@link #release(List)}. */
    static List<DigestSink> acquire() {
        List<DigestSink> sinks = SPARE.get();
        SPARE.set(null);
        if (sinks == null) {
            return new ArrayList<>();
        }
        for (DigestSink s : sinks) {
            s.reset();
        }
        return sinks;
    }

    static void release(List<DigestSink> sinks) {
        if (sinks.size() <= 64) { // a deeply nested request's sinks are not worth keeping
            SPARE.set(sinks);
        }
    }

    /** The sink for {@code depth} in {@code sinks}, made on first use. */
    static DigestSink at(List<DigestSink> sinks, int depth) {
        while (sinks.size() <= depth) {
            sinks.add(new DigestSink());
        }
        return sinks.get(depth);
    }

    private void reset() {
        sha.reset();
        pos = 0;
        spilled = false;
    }

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
        spilled = true;
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
        int i = 0;
        while (i < len) {
            room(3);
            int end = i + Math.min(len - i, (buf.length - pos) / 3); // chars sure to fit: no check per char
            for (; i < end; i++) {
                char ch = s != null ? s.charAt(i) : c[off + i];
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
        spilled = false;
        return sha.digest();
    }

    /**
     * What was fed, as an object member's stand-in: the bytes themselves when short ({@code 'r'}, length, bytes),
     * else their digest ({@code 'd'}, 32 bytes). Deterministic in what was fed, and tagged, so it stays canonical and
     * unambiguous, while most members (a role, a number, a short text) cost no digest at all. The sink is empty again.
     */
    byte[] finishMember() {
        if (!spilled && pos <= RAW_MEMBER) {
            byte[] raw = new byte[pos + 5];
            raw[0] = 'r';
            raw[1] = (byte) (pos >>> 24);
            raw[2] = (byte) (pos >>> 16);
            raw[3] = (byte) (pos >>> 8);
            raw[4] = (byte) pos;
            System.arraycopy(buf, 0, raw, 5, pos);
            pos = 0;
            return raw;
        }
        byte[] digest = finish();
        byte[] d = new byte[33];
        d[0] = 'd';
        System.arraycopy(digest, 0, d, 1, 32);
        return d;
    }

    /** Bytes fed as they are (a member's stand-in). */
    void append(byte[] b) {
        if (b.length > buf.length - pos) {
            flush();
            if (b.length > buf.length) {
                sha.update(b);
                spilled = true;
                return;
            }
        }
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
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
            spilled = true;
        }
    }
}

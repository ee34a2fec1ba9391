package dev.switchboard.json;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Checks that a request body is well-formed UTF-8 (RFC 3629: no overlong forms, no encoded surrogates, nothing
 * above U+10FFFF) and that its {@code \\u} escapes pair their surrogates. Jackson skips the strings the gateway
 * does not read without decoding them, and the bytes go upstream as they are, so a body a provider may read
 * differently (or refuse) is stopped here. One pass, no allocation. Pure and thread-safe.
 */
public final class Utf8Check {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long ONES = 0x0101010101010101L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;

    private Utf8Check() {}

    /** The byte offset of the first problem, or -1 when the body is clean. */
    public static int firstProblem(byte[] b) {
        int n = b.length;
        int i = 0;
        while (i < n) {
            if (i + 8 <= n) { // eight plain ASCII bytes without a backslash at once: most of any body
                long x = (long) LONGS.get(b, i);
                long y = x ^ BACKSLASHES; // a zero byte where a backslash was
                if (((x | ((y - ONES) & ~y)) & HIGH_BITS) == 0) {
                    i += 8;
                    continue;
                }
            }
            int c = b[i];
            if (c >= 0) {
                if (c == '\\') {
                    int next = escape(b, i);
                    if (next < 0) {
                        return i;
                    }
                    i = next;
                } else {
                    i++;
                }
                continue;
            }
            c &= 0xff;
            int len;
            int min;
            if (c >= 0xc2 && c <= 0xdf) {
                len = 2;
                min = 0x80;
            } else if (c >= 0xe0 && c <= 0xef) {
                len = 3;
                min = 0x800;
            } else if (c >= 0xf0 && c <= 0xf4) {
                len = 4;
                min = 0x10000;
            } else {
                return i; // a continuation byte out of place, an overlong lead (c0, c1) or beyond U+10FFFF (f5+)
            }
            if (i + len > n) {
                return i;
            }
            int cp = c & (0xff >> (len + 1));
            for (int k = 1; k < len; k++) {
                int x = b[i + k] & 0xff;
                if ((x & 0xc0) != 0x80) {
                    return i;
                }
                cp = (cp << 6) | (x & 0x3f);
            }
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                return i;
            }
            i += len;
        }
        return -1;
    }

    /**
     * An escape at {@code i} (a backslash: in valid JSON only inside a string, and escapes never overlap, so no
     * string state is needed). Returns the index after it, or -1 for a lone surrogate.
     */
    private static int escape(byte[] b, int i) {
        if (i + 1 >= b.length || b[i + 1] != 'u') {
            return i + 2; // \" \\ \n ...: Jackson checks the rest
        }
        int u = hex4(b, i + 2);
        if (u < 0xd800 || u > 0xdfff) {
            return i + 6; // a plain code unit, or not hex (Jackson refuses that)
        }
        if (u >= 0xdc00) {
            return -1; // a low surrogate first
        }
        if (i + 7 < b.length && b[i + 6] == '\\' && b[i + 7] == 'u') {
            int low = hex4(b, i + 8);
            if (low >= 0xdc00 && low <= 0xdfff) {
                return i + 12;
            }
        }
        return -1; // a high surrogate not followed by a low one
    }

    /** Four hex digits at {@code at} as a number; -1 when they are not there. */
    private static int hex4(byte[] b, int at) {
        if (at + 4 > b.length) {
            return -1;
        }
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(b[at + k], 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }
}

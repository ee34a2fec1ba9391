package dev.switchboard.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses IP address literals to bytes without ever resolving a name: 4 bytes for IPv4 (IPv4-mapped IPv6 such as
 * {@code ::ffff:1.2.3.4} included), 16 bytes for other IPv6.
 */
public final class IpLiteral {
    private static final int MAPPED_PREFIX_LENGTH = 12;

    private IpLiteral() {
    }

    /** The address's bytes, or an {@link IllegalArgumentException} naming what is wrong (hostnames are refused). */
    public static byte[] parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty IP address");
        }
        String s = text.strip();
        return s.indexOf(':') >= 0 ? parseIpv6(s) : parseIpv4(s);
    }

    /** Like {@link #parse} but null instead of an exception, for untrusted header values on the hot path. */
    public static byte[] tryParse(String text) {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Folds an IPv4-mapped IPv6 address to its 4 IPv4 bytes; other addresses are returned as they are. */
    public static byte[] normalize(byte[] address) {
        if (address.length == 16 && isMapped(address)) {
            byte[] v4 = new byte[4];
            System.arraycopy(address, MAPPED_PREFIX_LENGTH, v4, 0, 4);
            return v4;
        }
        return address;
    }

    static boolean isMapped(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    }

    /** An InetAddress for parsed bytes; never does a lookup because the bytes are already numeric. */
    public static InetAddress toInetAddress(byte[] address) {
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("IP address must have 4 or 16 bytes, got " + address.length, e);
        }
    }

    private static byte[] parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IP address (hostnames are not accepted): " + s);
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            out[i] = (byte) ipv4Octet(parts[i], s);
        }
        return out;
    }

    private static int ipv4Octet(String part, String whole) {
        if (part.isEmpty() || part.length() > 3) {
            throw new IllegalArgumentException("not an IP address (hostnames are not accepted): " + whole);
        }
        for (int i = 0; i < part.length(); i++) {
            if (part.charAt(i) < '0' || part.charAt(i) > '9') {
                throw new IllegalArgumentException("not an IP address (hostnames are not accepted): " + whole);
            }
        }
        // Leading zeros read as octal in some tools; refuse rather than guess.
        if (part.length() > 1 && part.charAt(0) == '0') {
            throw new IllegalArgumentException("IPv4 octet with a leading zero is ambiguous: " + whole);
        }
        int value = Integer.parseInt(part);
        if (value > 255) {
            throw new IllegalArgumentException("IPv4 octet above 255: " + whole);
        }
        return value;
    }

    private static byte[] parseIpv6(String s) {
        // The JDK parses as a literal only text starting with a hex digit or ':'; anything else could reach DNS.
        if (s.charAt(0) != ':' && Character.digit(s.charAt(0), 16) < 0) {
            throw new IllegalArgumentException("not an IPv6 address: " + s);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c == ':' || c == '.' || Character.digit(c, 16) >= 0;
            if (!ok) {
                throw new IllegalArgumentException("not an IPv6 address (zone ids and brackets are not accepted): " + s);
            }
        }
        try {
            // Hex digits, ':' and '.' only, a leading hex digit or ':', and a ':' present: the JDK parses this as an IPv6
            // literal or fails; it never looks it up.
            return normalize(InetAddress.getByName(s).getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not a valid IPv6 address: " + s, e);
        }
    }
}

package dev.switchboard.auth;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * One IPv4 or IPv6 network such as {@code 10.0.0.0/8}, {@code 2001:db8::/32} or a single address. IPv4-mapped IPv6
 * addresses count as IPv4 on both sides, so {@code 10.0.0.0/8} contains {@code ::ffff:10.1.2.3}.
 */
public final class CidrRange {
    private final byte[] network;
    private final int prefix;

    private CidrRange(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * Parses "address" or "address/prefix". Host bits beyond the prefix are cleared. Hostnames are refused without a
     * lookup.
     */
    public static CidrRange parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty CIDR range");
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        String addressPart = slash < 0 ? s : s.substring(0, slash);
        byte[] address;
        try {
            address = IpLiteral.parse(addressPart);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid CIDR range '" + s + "': " + e.getMessage(), e);
        }
        int bits = address.length * 8;
        if (slash < 0) {
            return new CidrRange(address, bits);
        }
        int prefix = parsePrefix(s, s.substring(slash + 1));
        if (address.length == 4 && addressPart.indexOf(':') >= 0) {
            // An IPv4-mapped address folded to IPv4: its prefix counted the 96 mapping bits.
            if (prefix < 96) {
                throw new IllegalArgumentException("invalid CIDR range '" + s
                        + "': an IPv4-mapped range needs a prefix of at least /96");
            }
            prefix -= 96;
        }
        if (prefix > bits) {
            throw new IllegalArgumentException("invalid CIDR range '" + s + "': prefix above /" + bits);
        }
        return new CidrRange(mask(address, prefix), prefix);
    }

    private static int parsePrefix(String whole, String digits) {
        if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("invalid CIDR range '" + whole + "': prefix must be a number");
        }
        return Integer.parseInt(digits);
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xff00 >> keep));
        }
        return out;
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    /** True when the address (4 or 16 bytes, mapped IPv6 folded to IPv4) lies in this range. */
    public boolean contains(byte[] address) {
        byte[] a = IpLiteral.normalize(address);
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int m = 0xff00 >> rest;
        return (a[full] & m) == (network[full] & m);
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    public int prefixLength() {
        return prefix;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CidrRange other && prefix == other.prefix && Arrays.equals(network, other.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
        return IpLiteral.toInetAddress(network).getHostAddress() + "/" + prefix;
    }
}

package dev.switchboard.auth;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The address a request really came from. {@code X-Forwarded-For} is believed only as far as a chain of trusted
 * proxies vouches for it: walking from the right (the hop nearest to us), each trusted hop's report is taken, and the
 * first untrusted address is the client. Values a client prepends itself therefore never win.
 */
public record ClientAddress(InetAddress address) {

    /**
     * @param remoteAddress      the direct peer's IP literal (e.g. Vert.x {@code SocketAddress.hostAddress()})
     * @param forwardedForValues every {@code X-Forwarded-For} header value in arrival order (null or empty for none)
     * @param trustedProxies     ranges of proxies whose {@code X-Forwarded-For} is believed
     * @throws IllegalArgumentException when the peer address itself is not an IP literal
     */
    public static ClientAddress resolve(String remoteAddress, List<String> forwardedForValues, CidrSet trustedProxies) {
        byte[] current = IpLiteral.parse(remoteAddress);
        if (forwardedForValues == null || forwardedForValues.isEmpty() || trustedProxies == null) {
            return of(current);
        }
        List<String> hops = splitHops(forwardedForValues);
        for (int i = hops.size() - 1; i >= 0 && trustedProxies.contains(current); i--) {
            byte[] reported = parseHop(hops.get(i));
            if (reported == null) {
                // A trusted hop forwarded something we cannot read: its own address is the best we know.
                break;
            }
            current = reported;
        }
        return of(current);
    }

    private static ClientAddress of(byte[] address) {
        return new ClientAddress(IpLiteral.toInetAddress(IpLiteral.normalize(address)));
    }

    private static List<String> splitHops(List<String> values) {
        List<String> hops = new ArrayList<>();
        for (String value : values) {
            if (value == null) {
                continue;
            }
            for (String part : value.split(",", -1)) {
                hops.add(part.strip());
            }
        }
        return hops;
    }

    /** One XFF entry: a bare IP, "ipv4:port" or "[ipv6]" / "[ipv6]:port"; null when unreadable. */
    static byte[] parseHop(String hop) {
        if (hop.isEmpty()) {
            return null;
        }
        if (hop.charAt(0) == '[') {
            int close = hop.indexOf(']');
            if (close < 0 || !isPortSuffix(hop.substring(close + 1))) {
                return null;
            }
            return IpLiteral.tryParse(hop.substring(1, close));
        }
        int colon = hop.indexOf(':');
        if (colon >= 0 && colon == hop.lastIndexOf(':') && hop.indexOf('.') >= 0) {
            return isPortSuffix(hop.substring(colon)) ? IpLiteral.tryParse(hop.substring(0, colon)) : null;
        }
        return IpLiteral.tryParse(hop);
    }

    private static boolean isPortSuffix(String s) {
        if (s.isEmpty()) {
            return true;
        }
        if (s.charAt(0) != ':' || s.length() < 2 || s.length() > 6) {
            return false;
        }
        return s.substring(1).chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** The address as text, e.g. "203.0.113.7" or "2001:db8::1", for logs and usage records. */
    public String text() {
        return address.getHostAddress();
    }

    @Override
    public String toString() {
        return text();
    }
}

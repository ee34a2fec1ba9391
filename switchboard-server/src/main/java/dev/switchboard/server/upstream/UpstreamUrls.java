package dev.switchboard.server.upstream;

import java.util.HashMap;
import java.util.Map;

/**
 * Splits absolute http(s) URLs by hand (java.net.URL showed in per-request profiles) and remembers the origin of each
 * distinct scheme+authority, so a hot URL costs one substring and one map lookup. Event-loop confined.
 */
public final class UpstreamUrls {
    /** URLs come from config, so few distinct origins; the bound only guards against a pathological caller. */
    private static final int MAX_CACHED = 1024;

    private final Map<String, UpstreamOrigin> origins = new HashMap<>();

    /** Where a URL points: its origin, and the path with the query (never empty: at least "/"). */
    public record Target(UpstreamOrigin origin, String pathAndQuery) {}

    Target parse(String url) {
        int hostStart = hostStart(url);
        int pathStart = pathStart(url, hostStart);
        String base = url.substring(0, pathStart);
        UpstreamOrigin origin = origins.get(base);
        if (origin == null) {
            origin = parseOrigin(hostStart == 8, base.substring(hostStart));
            if (origins.size() >= MAX_CACHED) {
                origins.clear();
            }
            origins.put(base, origin);
        }
        return new Target(origin, pathAndQuery(url, pathStart));
    }

    /**
     * The same split without the origin cache, for callers off the event loop that owns an instance.
     *
     * @throws IllegalArgumentException when the URL is not an absolute http(s) URL
     */
    public static Target parseOnce(String url) {
        int hostStart = hostStart(url);
        int pathStart = pathStart(url, hostStart);
        return new Target(parseOrigin(hostStart == 8, url.substring(hostStart, pathStart)), pathAndQuery(url, pathStart));
    }

    private static int hostStart(String url) {
        int hostStart = url.startsWith("https://") ? 8 : url.startsWith("http://") ? 7 : -1;
        if (hostStart < 0) {
            throw new IllegalArgumentException("not an absolute http(s) URL");
        }
        return hostStart;
    }

    private static int pathStart(String url, int hostStart) {
        int pathStart = hostStart;
        while (pathStart < url.length()) {
            char c = url.charAt(pathStart);
            if (c == '/' || c == '?' || c == '#') {
                break;
            }
            pathStart++;
        }
        return pathStart;
    }

    private static String pathAndQuery(String url, int pathStart) {
        int end = url.indexOf('#', pathStart);
        if (end < 0) {
            end = url.length();
        }
        if (pathStart == end) {
            return "/";
        }
        String rest = url.substring(pathStart, end);
        return rest.charAt(0) == '/' ? rest : "/" + rest;
    }

    private static UpstreamOrigin parseOrigin(boolean https, String authority) {
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1); // userinfo is never sent in the host header
        }
        int colon = authority.lastIndexOf(':');
        String host;
        int port;
        if (colon >= 0 && authority.indexOf(']') < colon) {
            host = authority.substring(0, colon);
            port = parsePort(authority.substring(colon + 1));
        } else {
            host = authority;
            port = https ? 443 : 80;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("URL without a host");
        }
        return UpstreamOrigin.of(https, host, port);
    }

    private static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("URL with an invalid port");
    }
}

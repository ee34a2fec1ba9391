package dev.switchboard.server.upstream;

/**
 * Where connections go: one pool per origin. {@code host} is bare (an IPv6 literal without brackets);
 * {@code hostHeader} is what the {@code host} request header carries.
 */
public record UpstreamOrigin(boolean https, String host, int port, String hostHeader) {
    static UpstreamOrigin of(boolean https, String host, int port) {
        String bracketed = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        boolean defaultPort = port == (https ? 443 : 80);
        return new UpstreamOrigin(https, host, port, defaultPort ? bracketed : bracketed + ":" + port);
    }

    @Override
    public String toString() {
        return (https ? "https://" : "http://") + hostHeader;
    }
}

package dev.switchboard.server;

import io.vertx.core.http.RequestOptions;

/**
 * Splits an absolute http(s) URL into the parts Vert.x's request options take, without java.net.URL
 * (whose parsing showed up in per-request profiles). URLs come from validated config, so the form is known.
 */
final class UpstreamAddress {
    private UpstreamAddress() {}

    static RequestOptions apply(RequestOptions options, String url) {
        boolean ssl = url.startsWith("https://");
        int hostStart = ssl ? 8 : url.startsWith("http://") ? 7 : -1;
        if (hostStart < 0) {
            return options.setAbsoluteURI(url);
        }
        int pathStart = url.indexOf('/', hostStart);
        if (pathStart < 0) {
            pathStart = url.length();
        }
        String authority = url.substring(hostStart, pathStart);
        int colon = authority.lastIndexOf(':');
        String host;
        int port;
        if (colon > 0 && authority.indexOf(']') < colon) {
            host = authority.substring(0, colon);
            port = Integer.parseInt(authority.substring(colon + 1));
        } else {
            host = authority;
            port = ssl ? 443 : 80;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return options.setSsl(ssl).setHost(host).setPort(port).setURI(pathStart == url.length() ? "/" : url.substring(pathStart));
    }
}

package dev.switchboard.server.wire;

import io.vertx.core.http.HttpHeaders;

/**
 * Header names and fixed values as pre-encoded ASCII strings: Netty hashes and writes them without converting
 * from UTF-16 on every request (that conversion showed in the per-request profile).
 */
public final class HeaderNames {
    public static final CharSequence REQUEST_ID = HttpHeaders.createOptimized("x-request-id");
    /** The gateway's own request id, sent when {@code x-request-id} echoes the caller's. */
    public static final CharSequence GATEWAY_REQUEST_ID = HttpHeaders.createOptimized("x-switchboard-request-id");
    public static final CharSequence PROVIDER = HttpHeaders.createOptimized("x-switchboard-provider");
    public static final CharSequence MODEL = HttpHeaders.createOptimized("x-switchboard-model");
    public static final CharSequence ATTEMPTS = HttpHeaders.createOptimized("x-switchboard-attempts");
    public static final CharSequence COST = HttpHeaders.createOptimized("x-switchboard-cost-usd");
    public static final CharSequence ROUTE = HttpHeaders.createOptimized("x-switchboard-route");
    /** The stage that answered the call itself (e.g. a cache hit), when no provider did. */
    public static final CharSequence ANSWERED_BY = HttpHeaders.createOptimized("x-switchboard-answered-by");
    public static final CharSequence DROPPED_PARAMS = HttpHeaders.createOptimized("x-switchboard-dropped-params");
    public static final CharSequence CONTENT_TYPE = HttpHeaders.CONTENT_TYPE;
    public static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
    public static final CharSequence USER_AGENT = HttpHeaders.USER_AGENT;
    public static final CharSequence USER_AGENT_VALUE = HttpHeaders.createOptimized("switchboard/0.1");

    private HeaderNames() {}

    /** The optimized form of a header name an adapter produced, for the common ones. */
    public static CharSequence of(String name) {
        return switch (name) {
            case "Content-Type", "content-type" -> HttpHeaders.CONTENT_TYPE;
            case "Authorization", "authorization" -> HttpHeaders.AUTHORIZATION;
            default -> name;
        };
    }
}

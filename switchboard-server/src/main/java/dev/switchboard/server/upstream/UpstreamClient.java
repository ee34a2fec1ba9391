package dev.switchboard.server.upstream;

import io.vertx.core.Future;
import java.util.Map;

/**
 * Sends requests to providers over pooled keep-alive connections. One instance per event loop; every method and
 * every callback of what it returns runs on that event loop (inside its Vert.x context).
 */
public interface UpstreamClient {
    /**
     * Starts one request. {@code url} is absolute (http or https); {@code headers} are sent as given (the client adds
     * {@code host}, {@code content-length} and, unless given, the gateway's {@code user-agent}); {@code body} may be null (no body).
     */
    UpstreamExchange send(String method, String url, Map<String, String> headers, byte[] body, long connectTimeoutMillis);

    /** Closes every pooled connection. */
    Future<Void> close();
}

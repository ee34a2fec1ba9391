package dev.switchboard.provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request to send upstream; built by an adapter, signed, then sent by the server.
 *
 * @param dropped the client's parameters left out because the provider cannot take them ({@code unsupported_params:
 *                drop}), in request order; empty otherwise
 */
public record UpstreamRequest(String method, String url, Map<String, String> headers, byte[] body, List<String> dropped) {
    public UpstreamRequest {
        dropped = dropped == null ? List.of() : List.copyOf(dropped);
    }

    public UpstreamRequest(String method, String url, Map<String, String> headers, byte[] body) {
        this(method, url, headers, body, List.of());
    }

    /** The same request (method, URL, body, dropped list) with other headers. */
    public UpstreamRequest withHeaders(Map<String, String> headers) {
        return new UpstreamRequest(method, url, headers, body, dropped);
    }

    /** The same request with one header added, or replaced (its place kept) when already there. */
    public UpstreamRequest withHeader(String name, String value) {
        Map<String, String> out = new LinkedHashMap<>(headers);
        out.put(name, value);
        return withHeaders(out);
    }
}

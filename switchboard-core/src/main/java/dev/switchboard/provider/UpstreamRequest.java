package dev.switchboard.provider;

import java.util.Map;

/** One HTTP request to send upstream; built by an adapter, signed, then sent by the server. */
public record UpstreamRequest(String method, String url, Map<String, String> headers, byte[] body) {}

package dev.switchboard.provider;

import java.util.LinkedHashMap;
import java.util.Map;

/** Adds the provider's credential as its catalogue entry says (bearer token, named header, or nothing). */
public final class RequestSigner {
    private RequestSigner() {}

    public static UpstreamRequest sign(UpstreamRequest req, ProviderEndpoint p) {
        if (p.apiKey() == null) {
            return req;
        }
        Map<String, String> headers = new LinkedHashMap<>(req.headers());
        switch (p.type().auth()) {
            case BEARER -> headers.put("Authorization", "Bearer " + p.apiKey().value());
            case HEADER -> headers.put(p.type().authHeader(), p.apiKey().value());
            case NONE, OAUTH2 -> { } // OAUTH2: the server adds the token it obtained ({@link #withBearer})
        }
        return new UpstreamRequest(req.method(), req.url(), headers, req.body(), req.dropped());
    }

    /** The request with {@code Authorization: Bearer <token>}, for a token obtained asynchronously. */
    public static UpstreamRequest withBearer(UpstreamRequest req, String token) {
        Map<String, String> headers = new LinkedHashMap<>(req.headers());
        headers.put("Authorization", "Bearer " + token);
        return new UpstreamRequest(req.method(), req.url(), headers, req.body(), req.dropped());
    }
}

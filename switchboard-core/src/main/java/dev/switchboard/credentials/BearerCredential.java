package dev.switchboard.credentials;

import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.secret.Secret;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code auth: bearer}: {@code Authorization: Bearer <api_key>} (OpenAI and most OpenAI-compatible vendors). */
public final class BearerCredential implements UpstreamCredential {
    static final String HEADER = "Authorization";

    private final Secret key;

    public BearerCredential(Secret key) {
        this.key = key;
    }

    @Override
    public CompletionStage<UpstreamRequest> apply(UpstreamRequest req, TokenSource tokens) {
        return CompletableFuture.completedFuture(withBearer(req, key.value()));
    }

    /** The request with {@code Authorization: Bearer <token>}; shared with the token kinds. */
    static UpstreamRequest withBearer(UpstreamRequest req, String token) {
        return req.withHeader(HEADER, "Bearer " + token);
    }

    @Override
    public String toString() {
        return "BearerCredential[***]";
    }
}

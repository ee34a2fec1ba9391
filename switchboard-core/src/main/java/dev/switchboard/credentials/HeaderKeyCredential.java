package dev.switchboard.credentials;

import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.secret.Secret;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code auth: header}: the key as it is in the catalogue's {@code auth_header}, e.g. Anthropic's {@code x-api-key},
 * Azure OpenAI's {@code api-key}, Gemini's {@code x-goog-api-key}.
 */
public final class HeaderKeyCredential implements UpstreamCredential {
    private final String header;
    private final Secret key;

    public HeaderKeyCredential(String header, Secret key) {
        this.header = header;
        this.key = key;
    }

    @Override
    public CompletionStage<UpstreamRequest> apply(UpstreamRequest req, TokenSource tokens) {
        return CompletableFuture.completedFuture(req.withHeader(header, key.value()));
    }

    @Override
    public String toString() {
        return "HeaderKeyCredential[" + header + ": ***]";
    }
}

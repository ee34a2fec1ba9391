package dev.switchboard.credentials;

import dev.switchboard.provider.UpstreamRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code auth: none}, or a key-optional provider without a key (a local Ollama): the request goes as it is. */
public final class NoCredential implements UpstreamCredential {
    public static final NoCredential INSTANCE = new NoCredential();

    private NoCredential() {}

    @Override
    public CompletionStage<UpstreamRequest> apply(UpstreamRequest req, TokenSource tokens) {
        return CompletableFuture.completedFuture(req);
    }

    @Override
    public String toString() {
        return "NoCredential";
    }
}

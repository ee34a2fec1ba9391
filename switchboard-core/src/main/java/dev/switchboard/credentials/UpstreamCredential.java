package dev.switchboard.credentials;

import dev.switchboard.provider.UpstreamRequest;
import java.util.concurrent.CompletionStage;

/**
 * How one provider's requests prove who sends them: applied to the final upstream request (after translation, so
 * a signature covers the body that is sent). One class per kind, picked by the catalogue's {@code auth} in
 * {@link UpstreamCredentials#of}. The applied request keeps everything else, the {@code dropped} list included.
 * Implementations never put a secret in {@code toString} or in an error message.
 */
public interface UpstreamCredential {
    /**
     * The request with this credential on it. Complete at once for kinds that need no I/O; a kind that needs a
     * token asks {@code tokens} and completes when it answers (on the thread that completes the token).
     *
     * @throws dev.switchboard.error.GatewayException when the provider's key cannot be used at all (misconfigured)
     */
    CompletionStage<UpstreamRequest> apply(UpstreamRequest req, TokenSource tokens);
}

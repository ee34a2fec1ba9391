package dev.switchboard.credentials;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.provider.ProviderEndpoint;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Access tokens that take I/O to obtain (an OAuth2 exchange at the grant's token URI). Core defines it, the server
 * implements it over its HTTP client and caches the tokens; it must not block the thread that asks.
 */
public interface TokenSource {
    /**
     * The access token for {@code grant}, from cache or freshly exchanged. Fails with a
     * {@link GatewayException} naming the provider, never the secret, when no token can be had.
     */
    CompletionStage<String> accessToken(ProviderEndpoint p, TokenGrant grant);

    /** For callers that cannot reach a token endpoint (tools, tests): every token request fails. */
    TokenSource NONE = (p, grant) -> CompletableFuture.failedFuture(new GatewayException(ErrorKind.INTERNAL,
            "Provider '" + p.name() + "': no token source to obtain its access token."));
}

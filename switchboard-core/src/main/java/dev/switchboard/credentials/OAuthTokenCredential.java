package dev.switchboard.credentials;

import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamRequest;
import java.util.concurrent.CompletionStage;

/**
 * An OAuth2 access token as {@code Authorization: Bearer <token>}, the token obtained for the provider's
 * {@link TokenGrant} by the server's {@link TokenSource} (which exchanges and caches it). The grant is the key
 * (e.g. a {@link GoogleServiceAccount}); the token is never kept here.
 */
public final class OAuthTokenCredential implements UpstreamCredential {
    private final ProviderEndpoint provider;
    private final TokenGrant grant;

    public OAuthTokenCredential(ProviderEndpoint provider, TokenGrant grant) {
        this.provider = provider;
        this.grant = grant;
    }

    public TokenGrant grant() {
        return grant;
    }

    @Override
    public CompletionStage<UpstreamRequest> apply(UpstreamRequest req, TokenSource tokens) {
        return tokens.accessToken(provider, grant).thenApply(token -> BearerCredential.withBearer(req, token));
    }

    @Override
    public String toString() {
        return "OAuthTokenCredential[" + grant + "]";
    }
}

package dev.switchboard.testing;

import dev.switchboard.credentials.TokenSource;
import dev.switchboard.credentials.UpstreamCredential;
import dev.switchboard.credentials.UpstreamCredentials;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamRequest;

/** The request as the server would send it: with the provider's credential, for kinds that need no token. */
public final class Signed {
    private Signed() {}

    public static UpstreamRequest sign(UpstreamRequest req, ProviderEndpoint p) {
        return sign(req, UpstreamCredentials.of(p));
    }

    public static UpstreamRequest sign(UpstreamRequest req, UpstreamCredential credential) {
        return credential.apply(req, TokenSource.NONE).toCompletableFuture().join();
    }
}

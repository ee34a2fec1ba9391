package dev.switchboard.server.upstream;

import dev.switchboard.credentials.TokenSource;
import dev.switchboard.credentials.UpstreamCredentials;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamRequest;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Puts a provider's credential on its upstream request, whatever its kind ({@link UpstreamCredentials} picks it
 * from the catalogue), with the token exchanges a kind may need. One instance per event loop (its token cache is
 * that loop's).
 */
public final class UpstreamSigner {
    private final TokenSource tokens;

    /** @param tokenClient for token exchanges (OAuth2 token endpoints), not model calls */
    public UpstreamSigner(HttpClient tokenClient) {
        this.tokens = new JwtBearerTokenSource(tokenClient, System::currentTimeMillis);
    }

    /**
     * The signed request: already succeeded when the credential needs no I/O (or its token is cached), else
     * completed on this event loop when the token arrives. A failure carries the token source's own error.
     *
     * @throws dev.switchboard.error.GatewayException when the provider's key is unusable (misconfigured)
     */
    public Future<UpstreamRequest> sign(ProviderEndpoint p, UpstreamRequest req) {
        CompletableFuture<UpstreamRequest> signed = UpstreamCredentials.of(p).apply(req, tokens).toCompletableFuture();
        if (!signed.isDone()) {
            return Future.fromCompletionStage(signed).recover(e -> Future.failedFuture(unwrap(e)));
        }
        try {
            return Future.succeededFuture(signed.join());
        } catch (CompletionException e) {
            return Future.failedFuture(unwrap(e));
        }
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}

package dev.switchboard.credentials;

import static dev.switchboard.credentials.CredentialFixtures.provider;
import static dev.switchboard.credentials.CredentialFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class OAuthTokenCredentialTest {
    private static final ProviderEndpoint VERTEX = provider("vertex-gemini", null, ServiceAccountKeys.json("https://oauth2.example/token"));

    /** A token source the test completes by hand, remembering what it was asked. */
    private static final class HandTokens implements TokenSource {
        final List<TokenGrant> asked = new ArrayList<>();
        final CompletableFuture<String> token = new CompletableFuture<>();

        @Override
        public CompletionStage<String> accessToken(ProviderEndpoint p, TokenGrant grant) {
            asked.add(grant);
            return token;
        }
    }

    @Test
    void waitsForTheTokenThenSendsItAsBearer() {
        HandTokens tokens = new HandTokens();
        OAuthTokenCredential c = (OAuthTokenCredential) UpstreamCredentials.of(VERTEX);

        CompletableFuture<UpstreamRequest> out = c.apply(request(), tokens).toCompletableFuture();
        assertThat(out).isNotDone();
        assertThat(tokens.asked).containsExactly(c.grant());
        assertThat(c.grant().tokenUri()).isEqualTo("https://oauth2.example/token");

        tokens.token.complete("ya29.access-token");
        UpstreamRequest signed = out.join();
        assertThat(signed.headers()).containsEntry("Authorization", "Bearer ya29.access-token")
                .containsEntry("Content-Type", "application/json");
        assertThat(signed.dropped()).containsExactly("seed", "logprobs"); // vertex-gemini with unsupported_params: drop
    }

    @Test
    void aFailedExchangeFailsTheRequestWithTheSourcesError() {
        HandTokens tokens = new HandTokens();
        CompletableFuture<UpstreamRequest> out = UpstreamCredentials.of(VERTEX).apply(request(), tokens).toCompletableFuture();
        GatewayException refused = new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, "the token exchange failed");
        tokens.token.completeExceptionally(refused);

        assertThatThrownBy(out::join).isInstanceOf(CompletionException.class).hasCause(refused);
    }

    @Test
    void withoutATokenSourceItFailsCleanly() {
        assertThatThrownBy(() -> CredentialFixtures.applyNow(UpstreamCredentials.of(VERTEX), request()))
                .hasCauseInstanceOf(GatewayException.class).hasMessageContaining("no token source");
    }

    @Test
    void neverShowsThePrivateKey() {
        assertThat(UpstreamCredentials.of(VERTEX).toString()).doesNotContain("PRIVATE").contains("sb@my-proj");
    }
}

package dev.switchboard.credentials;

import static dev.switchboard.credentials.CredentialFixtures.applyNow;
import static dev.switchboard.credentials.CredentialFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.secret.Secret;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderKeyCredentialTest {
    private static final String KEY = "azure-key-0123456789";

    @Test
    void putsTheKeyAsItIsInTheNamedHeader() {
        UpstreamRequest out = applyNow(new HeaderKeyCredential("api-key", new Secret(KEY)), request());

        assertThat(out.headers()).containsExactly(Map.entry("Content-Type", "application/json"),
                Map.entry("Accept", "application/json"), Map.entry("api-key", KEY));
        assertThat(out.dropped()).containsExactly("seed", "logprobs");
    }

    @Test
    void neverShowsTheKey() {
        assertThat(new HeaderKeyCredential("x-api-key", new Secret(KEY)).toString())
                .doesNotContain(KEY).contains("x-api-key");
    }
}

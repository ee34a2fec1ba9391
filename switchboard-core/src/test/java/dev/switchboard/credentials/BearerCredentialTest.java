package dev.switchboard.credentials;

import static dev.switchboard.credentials.CredentialFixtures.applyNow;
import static dev.switchboard.credentials.CredentialFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.secret.Secret;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BearerCredentialTest {
    private static final String KEY = "sk-test-0123456789";

    @Test
    void addsAuthorizationBearerAfterTheRequestsOwnHeaders() {
        UpstreamRequest in = request();
        UpstreamRequest out = applyNow(new BearerCredential(new Secret(KEY)), in);

        assertThat(out.headers()).containsExactly(Map.entry("Content-Type", "application/json"),
                Map.entry("Accept", "application/json"), Map.entry("Authorization", "Bearer " + KEY));
        assertThat(out.dropped()).containsExactly("seed", "logprobs");
        assertThat(out.method()).isEqualTo(in.method());
        assertThat(out.url()).isEqualTo(in.url());
        assertThat(out.body()).isSameAs(in.body());
        assertThat(in.headers()).doesNotContainKey("Authorization"); // the translator's request is not changed
    }

    @Test
    void replacesAnAuthorizationHeaderInItsPlace() {
        UpstreamRequest in = request().withHeader("Authorization", "Bearer from-config");
        assertThat(applyNow(new BearerCredential(new Secret(KEY)), in).headers())
                .containsEntry("Authorization", "Bearer " + KEY).hasSize(3);
    }

    @Test
    void neverShowsTheKey() {
        assertThat(new BearerCredential(new Secret(KEY)).toString()).doesNotContain(KEY).contains("***");
    }
}

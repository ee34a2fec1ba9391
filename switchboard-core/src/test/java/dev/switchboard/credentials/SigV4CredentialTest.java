package dev.switchboard.credentials;

import static dev.switchboard.credentials.CredentialFixtures.applyNow;
import static dev.switchboard.credentials.CredentialFixtures.provider;
import static dev.switchboard.credentials.CredentialFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.error.GatewayException;
import dev.switchboard.provider.UpstreamRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SigV4CredentialTest {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    private static final AwsCredentials AWS = new AwsCredentials("AKIDEXAMPLE", SECRET, "SESSION-TOKEN-XYZ", "eu-west-1");

    private static SigV4Credential credential() {
        return new SigV4Credential(AWS, "bedrock", Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void signsTheFinalRequestAtTheClocksTime() {
        UpstreamRequest in = request();
        UpstreamRequest out = applyNow(credential(), in);

        assertThat(out.headers()).isEqualTo(SigV4Signer.sign("POST", in.url(), in.headers(), in.body(), AWS, "bedrock", NOW));
        assertThat(out.headers().keySet()).containsExactly("Content-Type", "Accept", "x-amz-date", "x-amz-content-sha256",
                "x-amz-security-token", "Authorization");
        assertThat(out.headers().get("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250102/eu-west-1/bedrock/aws4_request, ");
        assertThat(out.dropped()).containsExactly("seed", "logprobs");
        assertThat(out.body()).isSameAs(in.body());
    }

    @Test
    void neverShowsTheSecretOrTheSessionToken() {
        assertThat(credential().toString()).doesNotContain(SECRET).doesNotContain("SESSION-TOKEN-XYZ").contains("eu-west-1");
    }

    @Test
    void aKeyOfTheWrongShapeIsAConfigurationErrorThatDoesNotQuoteIt() {
        assertThatThrownBy(() -> UpstreamCredentials.of(provider("bedrock", null, "only-one-part-SECRETISH")))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("ACCESS_KEY_ID:SECRET_ACCESS_KEY")
                .hasMessageNotContaining("SECRETISH");
    }

    @Test
    void theRegionComesFromTheBaseUrl() {
        assertThat(AwsCredentials.of(provider("bedrock", "https://bedrock-runtime.ap-south-1.amazonaws.com", "A:B")).region())
                .isEqualTo("ap-south-1");
    }
}

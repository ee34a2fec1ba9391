package dev.switchboard.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JwtSettingsTest {
    private static final String SECRET = "a-very-long-shared-secret-of-32-bytes-or-more";

    private static JwtSettings.Builder base() {
        return JwtSettings.builder().issuer("https://idp").audience("sb");
    }

    @Test
    void defaults() {
        JwtSettings s = base().jwksUrl(URI.create("https://idp/jwks")).build();
        assertThat(s.algorithms()).containsExactly("RS256", "ES256");
        assertThat(s.clockSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.jwksRefresh()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.jwksMinRefetch()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.claims().nameClaim()).isEqualTo("sub");
        assertThat(s.claims().teamClaim()).isEqualTo("team");
        assertThat(s.claims().modelsClaim()).isNull();
        assertThat(base().hmacSecret(SECRET).build().algorithms()).containsExactly("HS256");
    }

    @Test
    void secretNeverPrinted() {
        JwtSettings s = base().hmacSecret(SECRET).build();
        assertThat(s.toString()).doesNotContain(SECRET).contains("hmac ***");
    }

    @Test
    void algNoneAndMixedFamiliesAreRefused() {
        assertThatThrownBy(() -> base().jwksUrl(URI.create("https://idp/jwks")).algorithms("none").build())
                .hasMessageContaining("'none' is never allowed");
        assertThatThrownBy(() -> base().jwksUrl(URI.create("https://idp/jwks")).algorithms("HS256").build())
                .hasMessageContaining("needs hmacSecret");
        assertThatThrownBy(() -> base().hmacSecret(SECRET).algorithms("RS256").build())
                .hasMessageContaining("needs a public key");
        assertThatThrownBy(() -> base().jwksUrl(URI.create("https://idp/jwks")).algorithms("EdDSA").build())
                .hasMessageContaining("unsupported algorithm");
    }

    @Test
    void exactlyOneKeySourceAndTheRequiredFields() {
        assertThatThrownBy(() -> base().build()).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> base().hmacSecret(SECRET).jwksUrl(URI.create("https://idp/jwks")).build())
                .hasMessageContaining("exactly one");
        assertThatThrownBy(() -> JwtSettings.builder().audience("sb").hmacSecret(SECRET).build())
                .hasMessageContaining("issuer");
        assertThatThrownBy(() -> JwtSettings.builder().issuer("i").hmacSecret(SECRET).build())
                .hasMessageContaining("audience");
        assertThatThrownBy(() -> base().hmacSecret("short").build()).hasMessageContaining("at least 32 bytes");
        assertThatThrownBy(() -> base().jwksUrl(URI.create("file:///etc/jwks")).build())
                .hasMessageContaining("http or https");
    }

    @Test
    void badPemIsRejectedClearly() {
        assertThatThrownBy(() -> StaticKeySource.fromPem("not a pem")).hasMessageContaining("PUBLIC KEY");
        assertThatThrownBy(() -> StaticKeySource.fromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"))
                .hasMessageContaining("neither an RSA nor an EC");
    }
}

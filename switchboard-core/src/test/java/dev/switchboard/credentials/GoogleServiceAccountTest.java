package dev.switchboard.credentials;

import static dev.switchboard.credentials.ServiceAccountKeys.KEYS;
import static dev.switchboard.credentials.ServiceAccountKeys.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service-account JWT (header, claims, RS256 signature checked with the public key) and where the key may come from. */
class GoogleServiceAccountTest {
    @Test
    void assertionIsAnRs256JwtThatVerifiesWithThePublicKey() throws Exception {
        GoogleServiceAccount sa = GoogleServiceAccount.of(json("https://oauth2.example/token"));
        String jwt = sa.assertion(1_700_000_000L);

        String[] parts = jwt.split("\\.");
        assertThat(parts).hasSize(3);
        Base64.Decoder d = Base64.getUrlDecoder();
        JsonNode header = Json.MAPPER.readTree(d.decode(parts[0]));
        assertThat(header.path("alg").asText()).isEqualTo("RS256");
        assertThat(header.path("typ").asText()).isEqualTo("JWT");
        assertThat(header.path("kid").asText()).isEqualTo("kid-1");
        JsonNode claims = Json.MAPPER.readTree(d.decode(parts[1]));
        assertThat(claims.path("iss").asText()).isEqualTo("sb@my-proj.iam.gserviceaccount.com");
        assertThat(claims.path("scope").asText()).isEqualTo("https://www.googleapis.com/auth/cloud-platform");
        assertThat(claims.path("aud").asText()).isEqualTo("https://oauth2.example/token");
        assertThat(claims.path("iat").asLong()).isEqualTo(1_700_000_000L);
        assertThat(claims.path("exp").asLong()).isEqualTo(1_700_003_600L);
        assertThat(jwt).doesNotContain("=");

        Signature verify = Signature.getInstance("SHA256withRSA");
        verify.initVerify(KEYS.getPublic());
        verify.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verify.verify(d.decode(parts[2]))).isTrue();
        assertThat(sa.toString()).doesNotContain("PRIVATE");
    }

    @Test
    void theKeyMayBeAFilePath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sa.json");
        Files.writeString(file, json("https://oauth2.example/token"));
        assertThat(GoogleServiceAccount.of(file.toString()).projectId()).isEqualTo("my-proj");
        assertThatThrownBy(() -> GoogleServiceAccount.of(dir.resolve("missing.json").toString()))
                .isInstanceOf(GatewayException.class).hasMessageNotContaining("BEGIN");
    }
}

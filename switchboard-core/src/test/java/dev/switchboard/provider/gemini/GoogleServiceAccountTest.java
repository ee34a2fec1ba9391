package dev.switchboard.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.catalogue.ProviderType;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.RequestSigner;
import dev.switchboard.provider.Timeouts;
import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.secret.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service-account JWT (header, claims, RS256 signature checked with the public key) and the Vertex URL. */
class GoogleServiceAccountTest {
    static final KeyPair KEYS = keys();

    static KeyPair keys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String json(String tokenUri) {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(KEYS.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        return Json.MAPPER.createObjectNode().put("type", "service_account").put("project_id", "my-proj")
                .put("private_key_id", "kid-1").put("private_key", pem).put("client_email", "sb@my-proj.iam.gserviceaccount.com")
                .put("token_uri", tokenUri).toString();
    }

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

    @Test
    void vertexUrlTakesTheProjectFromTheKeyAndLeavesTheTokenToTheServer() {
        ProviderType type = ProviderCatalogue.bundled().find("vertex-gemini").orElseThrow();
        ProviderEndpoint p = new ProviderEndpoint("vertex", type, type.baseUrl(), new Secret(json("https://oauth2.example/token")),
                type.headers(), type.apiVersion(), List.of(), Timeouts.DEFAULTS);
        ChatAdapter adapter = new GeminiChatAdapter();
        UpstreamRequest up = RequestSigner.sign(adapter.toUpstream(GeminiFixtures.chat(
                "{\"model\":\"v/gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), p, "gemini-2.5-flash", false), p);

        assertThat(up.url()).isEqualTo("https://us-central1-aiplatform.googleapis.com/v1/projects/my-proj/locations/us-central1"
                + "/publishers/google/models/gemini-2.5-flash:generateContent");
        assertThat(up.headers()).doesNotContainKeys("Authorization", "x-goog-api-key");
        assertThat(adapter.tokenGrant(p).tokenUri()).isEqualTo("https://oauth2.example/token");
    }
}

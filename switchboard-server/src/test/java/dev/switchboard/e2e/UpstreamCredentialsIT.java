package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeGeminiUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A credential that takes I/O (a Vertex service-account token) and fails: the caller gets the token source's own
 * error in its dialect (which provider, what the token endpoint said), never a secret, streamed or not.
 */
class UpstreamCredentialsIT {
    static final ObjectMapper JSON = new ObjectMapper();

    static FakeGeminiUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeGeminiUpstream.start();
        String refused = upstream.newServiceAccountJson("stranger@fake-project.iam.gserviceaccount.com");
        upstream.newServiceAccountJson("trusted@fake-project.iam.gserviceaccount.com"); // the fake now trusts only this one
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - name: vertex-refused
                    type: vertex-gemini
                    base_url: %s
                    api_key: ${env:VERTEX_SA_JSON}
                keys:
                  - { name: tester, key: %s }
                """.formatted(upstream.vertexBaseUrl(), GatewayFixture.KEY), Map.of("VERTEX_SA_JSON", refused));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aRefusedTokenExchangeIsABadGatewayNamingTheProvider() throws Exception {
        for (String stream : new String[] {"false", "true"}) {
            HttpResponse<String> res = gateway.post("/v1/chat/completions", "{\"model\":\"vertex-refused/"
                    + FakeGeminiUpstream.MODEL + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

            assertThat(res.statusCode()).as("stream " + stream).isEqualTo(502);
            JsonNode error = JSON.readTree(res.body()).path("error");
            assertThat(error.path("message").asText()).as("stream " + stream)
                    .isEqualTo("Provider 'vertex-refused': the token exchange failed (HTTP 400 invalid_grant).");
            assertThat(res.body()).doesNotContain("PRIVATE KEY").doesNotContain("stranger@");
        }
        assertThat(upstream.requests()).allSatisfy(r -> assertThat(r.path()).isEqualTo(FakeGeminiUpstream.TOKEN_PATH));
    }
}

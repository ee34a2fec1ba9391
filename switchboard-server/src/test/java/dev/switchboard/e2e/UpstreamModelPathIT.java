package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeBedrockUpstream;
import dev.switchboard.testing.FakeGeminiUpstream;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RecordedRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Client model names never choose an upstream path: on Gemini, Vertex, Azure and Bedrock (model in the URL) and on
 * a plain OpenAI provider (model in the body), a name with {@code ..}, {@code ?}, {@code #}, {@code %}, a space, a
 * control or (Gemini) a {@code :method} is a 400 on {@code model} before anything is sent; real names still reach
 * their path, and Gemini's {@code models/x} and {@code x} are one upstream model.
 */
class UpstreamModelPathIT {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String EMAIL = "switchboard@fake-project.iam.gserviceaccount.com";
    static final String ARN = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0";
    static final List<String> HOSTILE = List.of(
            "../../v1beta/cachedContents#",
            "x/../../../internal/admin?steal=1&",
            "..", ".", "a/./b", "a//b", "a/..", "../a",
            "a?b=1", "a#frag", "a%2F..%2Fb", "a%00", "a b", "a\u0000", "a\r\nX-Injected: 1", "a\tb",
            "caf\u00e9", "a\\b", "a;b", "a&b", "a+b", "x".repeat(600));

    static FakeGeminiUpstream gemini;
    static FakeBedrockUpstream bedrock;
    static FakeUpstream openai;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        gemini = FakeGeminiUpstream.start();
        bedrock = FakeBedrockUpstream.start();
        openai = FakeUpstream.start();
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair keys = g.generateKeyPair();
        gemini.trustServiceAccount(EMAIL, keys.getPublic());
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        String sa = MAPPER.createObjectNode().put("type", "service_account").put("project_id", FakeGeminiUpstream.PROJECT)
                .put("private_key_id", "k1").put("private_key", pem).put("client_email", EMAIL)
                .put("token_uri", gemini.tokenUri()).toString();
        String yaml = """
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: gem, type: gemini, base_url: "%s", api_key: "%s" }
                  - { name: vtx, type: vertex-gemini, base_url: "%s", api_key: "${env:VERTEX_SA_JSON}" }
                  - { name: aws, type: bedrock, base_url: "%s", api_key: "%s:%s" }
                  - { name: az, type: azure-openai, base_url: "%s", api_key: %s }
                  - { name: oa, type: openai, base_url: "%s", api_key: %s }
                keys:
                  - { name: tester, key: %s }
                """.formatted(gemini.baseUrl(), FakeGeminiUpstream.API_KEY, gemini.vertexBaseUrl(),
                bedrock.baseUrl(), FakeBedrockUpstream.ACCESS_KEY, FakeBedrockUpstream.SECRET_KEY,
                openai.baseUrl().replaceAll("/v1$", ""), GatewayFixture.UPSTREAM_KEY, openai.baseUrl(),
                GatewayFixture.UPSTREAM_KEY, GatewayFixture.KEY);
        gateway = GatewayFixture.withYaml(yaml, Map.of("VERTEX_SA_JSON", sa));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        gemini.close();
        bedrock.close();
        openai.close();
    }

    @BeforeEach
    void clear() {
        gemini.reset();
        bedrock.reset();
        openai.reset();
    }

    static String chat(String model) {
        return MAPPER.createObjectNode().put("model", model).set("messages",
                MAPPER.createArrayNode().add(MAPPER.createObjectNode().put("role", "user").put("content", "hi"))).toString();
    }

    static void assertNothingSent() {
        assertThat(gemini.requests()).as("gemini/vertex requests").isEmpty();
        assertThat(bedrock.requests()).as("bedrock requests").isEmpty();
        assertThat(openai.requests()).as("openai/azure requests").isEmpty();
    }

    @Test
    void hostileNamesAre400OnModelAndNothingIsSent() {
        for (String provider : List.of("gem", "vtx", "aws", "az", "oa")) {
            for (String name : HOSTILE) {
                HttpResponse<String> r = gateway.post("/v1/chat/completions", chat(provider + "/" + name));
                JsonNode error = assertError(r, 400, "invalid_request_error", "invalid_parameter");
                assertThat(error.get("param").asText()).as("%s/%s", provider, name).isEqualTo("model");
            }
        }
        for (String name : List.of("x:countTokens", "gemini-2.5-pro:streamGenerateContent", "a/b", "models/../x")) {
            for (String provider : List.of("gem", "vtx")) {
                assertError(gateway.post("/v1/chat/completions", chat(provider + "/" + name)), 400,
                        "invalid_request_error", "invalid_parameter");
                assertError(gateway.post("/v1/embeddings", "{\"model\":\"" + provider + "/" + name + "\",\"input\":\"x\"}"),
                        400, "invalid_request_error", "invalid_parameter");
            }
        }
        assertError(gateway.post("/v1/chat/completions", chat("az/a/b")), 400, "invalid_request_error", "invalid_parameter");
        assertNothingSent();
    }

    @Test
    void hostileNameOnTheAnthropicEndpointIsAnAnthropic400() throws Exception {
        HttpResponse<String> r = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/messages"))
                .header("x-api-key", GatewayFixture.KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gem/../../v1beta/cachedContents#\",\"max_tokens\":5,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build());
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = MAPPER.readTree(r.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertNothingSent();
    }

    @Test
    void geminiModelsPrefixIsOneCanonicalModel() {
        for (String model : List.of("gem/models/gemini-2.5-pro", "gem/gemini-2.5-pro")) {
            HttpResponse<String> r = gateway.post("/v1/chat/completions", chat(model));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-switchboard-model")).hasValue("gemini-2.5-pro");
        }
        assertThat(gemini.requests()).extracting(RecordedRequest::path)
                .containsExactly("/v1beta/models/gemini-2.5-pro:generateContent", "/v1beta/models/gemini-2.5-pro:generateContent");
        HttpResponse<String> emb = gateway.post("/v1/embeddings", "{\"model\":\"gem/models/text-embedding-004\",\"input\":\"x\"}");
        assertThat(emb.statusCode()).as(emb.body()).isEqualTo(200);
        assertThat(gemini.lastRequest().path()).isEqualTo("/v1beta/models/text-embedding-004:batchEmbedContents");
    }

    @Test
    void vertexDottedModelReachesItsPath() {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", chat("vtx/models/gemini-2.0-flash-001"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(gemini.lastRequest().path()).endsWith("/publishers/google/models/gemini-2.0-flash-001:generateContent");
    }

    @Test
    void bedrockInferenceProfileAndArnAreOneEncodedSegment() {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", chat("aws/us.anthropic.claude-3-5-haiku-20241022-v1:0"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(bedrock.lastRequest().path()).isEqualTo("/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse");
        r = gateway.post("/v1/chat/completions", chat("aws/" + ARN));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(bedrock.lastRequest().path()).isEqualTo("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3A"
                + "inference-profile%2Fus.anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse");
        assertThat(bedrock.rejections()).as("signature checks").isEmpty();
    }

    @Test
    void azureDeploymentAndSlashedBodyModelsStillWork() {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", chat("az/claude-3.5"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(openai.lastRequest().path()).isEqualTo("/openai/deployments/claude-3.5/chat/completions");
        r = gateway.post("/v1/chat/completions", chat("oa/meta-llama/Llama-3.1-8B@v2:free"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(openai.lastRequest().body()).contains("\"model\":\"meta-llama/Llama-3.1-8B@v2:free\"");
    }
}

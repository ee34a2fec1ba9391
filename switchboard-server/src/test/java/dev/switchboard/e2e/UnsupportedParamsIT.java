package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.FakeGeminiUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RecordedRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code providers[].unsupported_params}: with {@code reject} (the default) a parameter the provider cannot take is
 * a 400 naming it and nothing goes upstream; with {@code drop} it is left out of the upstream request (the strict
 * fakes would refuse it) and {@code x-switchboard-dropped-params} names it, streamed or not.
 */
class UnsupportedParamsIT {
    static final String HEADER = "x-switchboard-dropped-params";

    static FakeAnthropicUpstream anthropic;
    static FakeGeminiUpstream gemini;
    static GatewayFixture anthropicReject;
    static GatewayFixture anthropicDrop;
    static GatewayFixture geminiReject;
    static GatewayFixture geminiDrop;
    static GatewayFixture vertexDrop;

    @BeforeAll
    static void start() {
        anthropic = FakeAnthropicUpstream.start();
        gemini = FakeGeminiUpstream.start();
        anthropicReject = GatewayFixture.withYaml(anthropic.gatewayYaml());
        anthropicDrop = GatewayFixture.withYaml(dropping(anthropic.gatewayYaml()));
        geminiReject = GatewayFixture.withYaml(gemini.gatewayYaml().replace("    api_key:",
                "    unsupported_params: reject\n    api_key:"));
        geminiDrop = GatewayFixture.withYaml(dropping(gemini.gatewayYaml()));
        // Vertex signs with a token obtained asynchronously (service account → OAuth), a second signing path
        vertexDrop = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: vertex, type: vertex-gemini, base_url: "%s", unsupported_params: drop, api_key: "${env:VERTEX_SA_JSON}" }
                models:
                  - { name: flash, target: vertex/%s }
                keys:
                  - { name: tester, key: %s }
                """.formatted(gemini.vertexBaseUrl(), FakeGeminiUpstream.MODEL, GatewayFixture.KEY),
                Map.of("VERTEX_SA_JSON", gemini.newServiceAccountJson("switchboard@fake-project.iam.gserviceaccount.com")));
    }

    static String dropping(String yaml) {
        String out = yaml.replace("    api_key:", "    unsupported_params: drop\n    api_key:");
        assertThat(out).contains("unsupported_params: drop");
        return out;
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {anthropicReject, anthropicDrop, geminiReject, geminiDrop, vertexDrop, anthropic,
                gemini}) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @BeforeEach
    void clear() {
        anthropic.reset();
        gemini.reset();
    }

    @AfterEach
    void upstreamsRefusedNothing() {
        assertThat(anthropic.rejections()).as("requests the strict Anthropic fake refused").isEmpty();
        assertThat(gemini.rejections()).as("requests the strict Gemini fake refused").isEmpty();
    }

    private static ChatCompletionCreateParams.Builder anthropicAsk() {
        return ChatCompletionCreateParams.builder().model("sonnet").addUserMessage("hi").n(2).logprobs(true);
    }

    private static ChatCompletionCreateParams.Builder geminiAsk() {
        return ChatCompletionCreateParams.builder().model("flash").addUserMessage("hi").logprobs(true).topLogprobs(2);
    }

    private static String dropped(com.openai.core.http.HttpResponse r) {
        List<String> v = r.headers().values(HEADER);
        assertThat(v).as(HEADER).hasSize(1);
        return v.get(0);
    }

    private static List<String> names(String header) {
        return List.of(header.split(","));
    }

    @Test
    void rejectRefusesByNameAndNothingGoesUpstream() {
        BadRequestException a = catchThrowableOfType(BadRequestException.class,
                () -> anthropicReject.openAiClient().chat().completions().create(anthropicAsk().build()));
        assertThat(a.statusCode()).isEqualTo(400);
        assertThat(a.getMessage()).containsAnyOf("'n'", "'logprobs'").contains("Anthropic");
        assertThat(a.headers().values(HEADER)).isEmpty();

        BadRequestException g = catchThrowableOfType(BadRequestException.class,
                () -> geminiReject.openAiClient().chat().completions().createStreaming(geminiAsk().build()).close());
        assertThat(g.statusCode()).isEqualTo(400);
        assertThat(g.getMessage()).containsAnyOf("'logprobs'", "'top_logprobs'").contains("Gemini");

        JsonNode error = assertError(anthropicReject.post("/v1/chat/completions",
                "{\"model\":\"sonnet\",\"logprobs\":true,\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                400, "invalid_request_error", "invalid_parameter");
        assertThat(error.get("param").asText()).isEqualTo("logprobs"); // the first in request order
        assertThat(anthropic.requests()).isEmpty();
        assertThat(gemini.requests()).isEmpty();
    }

    @Test
    void anthropicDropLeavesThemOutAndSaysSo() {
        OpenAIClient client = anthropicDrop.openAiClient();
        HttpResponseFor<ChatCompletion> r = client.chat().completions().withRawResponse().create(anthropicAsk().build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(names(dropped(r))).containsExactlyInAnyOrder("n", "logprobs");
        assertThat(r.parse().choices().get(0).message().content()).hasValue("echo: hi");
        JsonNode sent = anthropic.lastRequest().json();
        assertThat(sent.has("n")).isFalse();
        assertThat(sent.has("logprobs")).isFalse();

        try (HttpResponseFor<StreamResponse<ChatCompletionChunk>> s =
                     client.chat().completions().withRawResponse().createStreaming(anthropicAsk().build())) {
            assertThat(s.statusCode()).isEqualTo(200);
            assertThat(names(dropped(s))).containsExactlyInAnyOrder("n", "logprobs");
            String text = s.parse().stream()
                    .flatMap(c -> c.choices().stream())
                    .map(c -> c.delta().content().orElse(""))
                    .collect(Collectors.joining());
            assertThat(text).isEqualTo("echo: hi");
        }
        assertThat(anthropic.requests()).hasSize(2);
        assertThat(anthropic.lastRequest().json().path("stream").asBoolean()).isTrue();
        assertThat(anthropic.lastRequest().json().has("n")).isFalse();
    }

    @Test
    void geminiDropLeavesThemOutAndSaysSo() {
        OpenAIClient client = geminiDrop.openAiClient();
        HttpResponseFor<ChatCompletion> r = client.chat().completions().withRawResponse().create(geminiAsk().build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(names(dropped(r))).containsExactlyInAnyOrder("logprobs", "top_logprobs");
        assertThat(r.parse().choices()).isNotEmpty();
        assertThat(gemini.lastRequest().body()).doesNotContain("logprobs").doesNotContain("Logprobs");

        try (HttpResponseFor<StreamResponse<ChatCompletionChunk>> s =
                     client.chat().completions().withRawResponse().createStreaming(geminiAsk().build())) {
            assertThat(s.statusCode()).isEqualTo(200);
            assertThat(names(dropped(s))).containsExactlyInAnyOrder("logprobs", "top_logprobs");
            assertThat(s.parse().stream().count()).isPositive();
        }
        assertThat(gemini.requests()).hasSize(2);
        assertThat(gemini.lastRequest().path()).endsWith(":streamGenerateContent");
        assertThat(gemini.lastRequest().body()).doesNotContain("logprobs").doesNotContain("Logprobs");
    }

    @Test
    void vertexDropSaysSoToo() {
        OpenAIClient client = vertexDrop.openAiClient();
        HttpResponseFor<ChatCompletion> r = client.chat().completions().withRawResponse().create(geminiAsk().build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(names(dropped(r))).containsExactlyInAnyOrder("logprobs", "top_logprobs");
        assertThat(r.parse().choices()).isNotEmpty();

        try (HttpResponseFor<StreamResponse<ChatCompletionChunk>> s =
                     client.chat().completions().withRawResponse().createStreaming(geminiAsk().build())) {
            assertThat(s.statusCode()).isEqualTo(200);
            assertThat(names(dropped(s))).containsExactlyInAnyOrder("logprobs", "top_logprobs");
            assertThat(s.parse().stream().count()).isPositive();
        }
        List<RecordedRequest> calls = gemini.requests().stream()
                .filter(q -> !q.path().equals(FakeGeminiUpstream.TOKEN_PATH)).toList();
        assertThat(calls).hasSize(2).allSatisfy(q -> {
            assertThat(q.path()).contains("/projects/" + FakeGeminiUpstream.PROJECT + "/");
            assertThat(q.header("authorization")).startsWith("Bearer ");
            assertThat(q.body()).doesNotContain("logprobs").doesNotContain("Logprobs");
        });
    }

    @Test
    void theHeaderListsTheDroppedParametersInRequestOrder() {
        HttpResponse<String> r = anthropicDrop.post("/v1/chat/completions",
                "{\"model\":\"sonnet\",\"seed\":3,\"n\":2,\"logprobs\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue(HEADER)).hasValue("seed,n,logprobs");

        HttpResponse<String> s = anthropicDrop.post("/v1/chat/completions",
                "{\"model\":\"sonnet\",\"stream\":true,\"logprobs\":true,\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(s.statusCode()).as(s.body()).isEqualTo(200);
        assertThat(s.headers().firstValue(HEADER)).hasValue("logprobs,n");
        assertThat(s.body()).contains("[DONE]");
    }

    @Test
    void neutralValuesAreNotDroppedOrListed() {
        HttpResponse<String> r = anthropicDrop.post("/v1/chat/completions",
                "{\"model\":\"sonnet\",\"n\":1,\"logprobs\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue(HEADER)).isEmpty();
        HttpResponse<String> g = geminiDrop.post("/v1/chat/completions",
                "{\"model\":\"flash\",\"logprobs\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(g.statusCode()).as(g.body()).isEqualTo(200);
        assertThat(g.headers().firstValue(HEADER)).isEmpty();
    }

    @Test
    void aHostileFieldNameNeverReachesAResponseHeaderOrTheUpstream() {
        // a provider's policy may list an unknown field as unsupported (Gemini does): under drop its name would be
        // echoed into the dropped-params header, so a name that is not plain is refused by name (escaped, cut)
        String[] names = {"a\\r\\nx-injected: 1", "nul\\u0000here", "x".repeat(5000)};
        for (GatewayFixture g : new GatewayFixture[] {anthropicDrop, geminiDrop}) {
            for (String name : names) {
                HttpResponse<String> r = g.post("/v1/chat/completions", "{\"model\":\"" + (g == anthropicDrop ? "sonnet" : "flash")
                        + "\",\"" + name + "\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                assertThat(r.statusCode()).as(r.body()).isIn(200, 400);
                if (g == geminiDrop) {
                    assertThat(r.statusCode()).isEqualTo(400);
                    assertThat(r.body()).contains("invalid_request_error").doesNotContain("\\r").hasSizeLessThan(1000);
                }
                assertThat(r.headers().firstValue(HEADER)).isEmpty();
                assertThat(r.headers().firstValue("x-injected")).isEmpty();
            }
        }
        assertThat(anthropic.requests()).allSatisfy(q -> assertThat(q.body()).doesNotContain("injected", "nul", "xxxx"));
        assertThat(gemini.requests()).allSatisfy(q -> assertThat(q.body()).doesNotContain("injected", "nul", "xxxx"));
    }
}

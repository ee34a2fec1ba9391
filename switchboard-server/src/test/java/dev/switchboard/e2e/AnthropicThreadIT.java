package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.helpers.BetaMessageThread;
import com.anthropic.models.beta.messages.BetaMessage;
import com.anthropic.models.beta.messages.ThreadCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.FakeBedrockUpstream;
import dev.switchboard.testing.FakeGeminiUpstream;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RecordedRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Anthropic's message threads ({@code thread}, beta message-threads-2026-08-12): a provider that is not Anthropic
 * keeps no thread, so a translated route answers Anthropic's own {@code thread_unsupported_request} (400,
 * invalid_request_error, {@code details.error_code}) and sends nothing upstream, whatever its unsupported_params;
 * the SDKs' thread helpers then resend the whole conversation without a thread. An Anthropic provider gets the
 * field and the beta header unchanged.
 */
class AnthropicThreadIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BETA = "message-threads-2026-08-12";
    static final String OPENAI = AnthropicTranslatedUsageIT.OPENAI;
    static final String GEMINI = AnthropicTranslatedUsageIT.GEMINI;
    static final String BEDROCK = AnthropicTranslatedUsageIT.BEDROCK;
    static final String CLAUDE = AnthropicTranslatedUsageIT.CLAUDE;

    static FakeUpstream openAi;
    static FakeGeminiUpstream gemini;
    static FakeBedrockUpstream bedrock;
    static FakeAnthropicUpstream anthropic;
    static GatewayFixture rejecting;
    static GatewayFixture dropping;

    static FourVendorGateways vendors;

    @BeforeAll
    static void start() {
        vendors = new FourVendorGateways();
        openAi = vendors.openAi;
        gemini = vendors.gemini;
        bedrock = vendors.bedrock;
        anthropic = vendors.anthropic;
        rejecting = vendors.rejecting;
        dropping = vendors.dropping;
    }

    @AfterAll
    static void stop() {
        vendors.close();
    }

    @BeforeEach
    void reset() {
        vendors.reset();
    }

    static HttpResponse<String> post(GatewayFixture gw, String body) throws Exception {
        return gw.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/messages"))
                .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", BETA).header("x-api-key", GatewayFixture.KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** What toolRunner sends on a thread: only the new tool result, after the previous response's id. */
    static String continuation(String model) {
        return """
                {"model":"%s","max_tokens":256,"thread":{"type":"continue","previous_message_id":"msg_01Prev"},
                 "messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A","content":"sunny"}]}]}
                """.formatted(model);
    }

    static int upstreamRequests() {
        return openAi.requests().size() + gemini.requests().size() + bedrock.requests().size() + anthropic.requests().size();
    }

    static void assertThreadUnsupported(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(body.path("error").path("details").path("error_code").asText()).isEqualTo("thread_unsupported_request");
        assertThat(body.path("error").path("message").asText()).contains("thread");
    }

    @ParameterizedTest
    @ValueSource(strings = {OPENAI, GEMINI, BEDROCK})
    void aContinuedThreadIsRefusedAsAnthropicDoesAndNothingGoesUpstream(String model) throws Exception {
        for (GatewayFixture gw : new GatewayFixture[] {rejecting, dropping}) {
            assertThreadUnsupported(post(gw, continuation(model)));
            // a thread being created is refused too: its answer would promise a thread that was never kept
            assertThreadUnsupported(post(gw, """
                    {"model":"%s","max_tokens":256,"stream":true,"thread":{"type":"create"},
                     "messages":[{"role":"user","content":"hello"}]}
                    """.formatted(model)));
            // a careless client's malformed thread is still a thread the route cannot keep
            assertThreadUnsupported(post(gw, """
                    {"model":"%s","max_tokens":256,"thread":"continue","messages":[{"role":"user","content":"hello"}]}
                    """.formatted(model)));
        }
        assertThat(upstreamRequests()).isZero();
        // without the field the same route answers
        assertThat(post(rejecting, """
                {"model":"%s","max_tokens":256,"thread":null,"messages":[{"role":"user","content":"hello"}]}
                """.formatted(model)).statusCode()).isEqualTo(200);
    }

    @Test
    void theSdksThreadHelperResendsTheWholeConversationWithoutAThread() {
        AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(rejecting.baseUrl())
                .apiKey(GatewayFixture.KEY).maxRetries(0).build();
        try {
            BetaMessageThread thread = client.beta().messages().thread(ThreadCreateParams.builder()
                    .model(OPENAI).maxTokens(256).system("Be terse.")
                    .unsupportedRequestBehavior(ThreadCreateParams.UnsupportedRequestBehavior.CONTINUE_UNTHREADED)
                    .build());
            BetaMessage first = thread.send("hello there");
            assertThat(first.content().get(0).asText().text()).isEqualTo("echo: hello there");
            BetaMessage second = thread.send("and again");
            assertThat(second.content().get(0).asText().text()).isEqualTo("echo: and again");
        } finally {
            client.close();
        }
        // the provider only ever saw whole conversations: system, the first turn, its answer, the new turn
        assertThat(openAi.requests()).hasSize(2);
        RecordedRequest last = openAi.lastRequest();
        assertThat(last.json().has("thread")).isFalse();
        JsonNode messages = last.json().path("messages");
        assertThat(messages).hasSize(4);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
        assertThat(messages.get(1).toString()).contains("hello there");
        assertThat(messages.get(2).path("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(3).toString()).contains("and again");
    }

    @Test
    void anAnthropicProviderGetsTheThreadAndItsBetaHeaderUnchanged() throws Exception {
        String body = """
                {"model":"%s","max_tokens":256,"thread":{"type":"continue","previous_message_id":"msg_01Prev"},
                 "messages":[{"role":"user","content":"and again"}]}
                """.formatted(CLAUDE);
        HttpResponse<String> r = post(rejecting, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        RecordedRequest got = anthropic.lastRequest();
        assertThat(anthropic.rejections()).isEmpty();
        assertThat(got.body()).isEqualTo(body.replace(CLAUDE, FakeAnthropicUpstream.MODEL));
        assertThat(got.header("anthropic-beta")).isEqualTo(BETA);
    }
}

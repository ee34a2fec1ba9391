package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.stages.StageJournal;
import dev.switchboard.usage.UsageEvent;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Configured stages on the request path, end to end: a stage that answers the call itself, one that rewrites the
 * request, one that rewrites the answer (streamed text across chunk boundaries too), one that fails; through the
 * official OpenAI and Anthropic SDKs, on the fast lane and on Vert.x's, to an OpenAI upstream (the byte splice when
 * no stage reads answers) and an Anthropic one (the Anthropic client's pass-through). The test stages are in
 * {@code testing/stages}, registered with ServiceLoader.
 */
class StagesIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String OPENAI = "fake/gpt-4o";
    static final String CLAUDE = "claude/" + FakeAnthropicUpstream.MODEL;
    static final String ANSWER_KEY = "sk-stage-answer-key-1";
    static final String REWRITE_KEY = "sk-stage-rewrite-key-1";
    static final String REPLACE_KEY = "sk-stage-replace-key-1";
    static final String FAIL_KEY = "sk-stage-fail-key-1";
    static final String FAIL_ANSWER_KEY = "sk-stage-failans-key-1";
    static final String FAIL_STREAM_KEY = "sk-stage-failstream-key-1";
    static final String JOURNAL_KEY = "sk-stage-journal-key-1";
    static final String REFUSE_KEY = "sk-stage-refuse-key-1";
    static final String LIMITED_KEY = "sk-stage-limited-key-1";

    static TwoLaneGateways lanes;
    static FakeUpstream openAi;
    static FakeAnthropicUpstream anthropic;

    @BeforeAll
    static void start() {
        lanes = new TwoLaneGateways((l, fast) -> yaml(l, fast));
        openAi = lanes.openAi;
        anthropic = lanes.anthropic;
    }

    static String yaml(TwoLaneGateways l, boolean fast) {
        return """
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1, fast_lane: %s }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s, models: [gpt-4o] }
                  - { name: claude, type: anthropic, base_url: %s, api_key: %s, models: [%s] }
                keys:
                  - name: answer
                    key: %s
                    stages: [{ type: test_journal, name: outer }, { type: test_answer, name: answer, settings: { text: "from the stage" } }]
                  - name: rewrite
                    key: %s
                    stages: [{ type: test_rewrite, settings: { find: secret-word, replace: "[masked]" } }]
                  - name: replace
                    key: %s
                    stages: [{ type: test_replace_answer, settings: { find: "quick brown", replace: "slow red" } }]
                  - name: fail
                    key: %s
                    stages: [{ type: test_journal, name: outer }, { type: test_fail, name: broken, settings: { phase: request } }]
                  - name: failans
                    key: %s
                    stages: [{ type: test_fail, name: broken, settings: { phase: answer } }]
                  - name: failstream
                    key: %s
                    stages: [{ type: test_fail, name: broken, settings: { phase: stream } }]
                  - name: journal
                    key: %s
                    stages: [{ type: test_journal, name: a }, { type: test_journal, name: b }]
                  - name: refuse
                    key: %s
                    stages: [{ type: test_journal, name: a }, { type: test_journal, name: guard, settings: { refuse: "Blocked by policy." } }, { type: test_journal, name: never }]
                  - name: limited
                    key: %s
                    limits: { requests_per_minute: 1 }
                    stages: [{ type: test_journal, name: a }]
                """.formatted(fast, l.openAi.baseUrl(), GatewayFixture.UPSTREAM_KEY, l.anthropic.baseUrl(),
                FakeAnthropicUpstream.API_KEY, FakeAnthropicUpstream.MODEL, ANSWER_KEY, REWRITE_KEY, REPLACE_KEY, FAIL_KEY,
                FAIL_ANSWER_KEY, FAIL_STREAM_KEY, JOURNAL_KEY, REFUSE_KEY, LIMITED_KEY);
    }

    @AfterAll
    static void stop() {
        CLIENTS.values().forEach(AnthropicClient::close);
        lanes.close();
    }

    @BeforeEach
    void reset() {
        lanes.reset();
    }

    static GatewayFixture gateway(boolean fast) {
        return lanes.gateway(fast);
    }

    static final java.util.Map<String, AnthropicClient> CLIENTS = new java.util.concurrent.ConcurrentHashMap<>();

    static AnthropicClient anthropicClient(boolean fast, String key) {
        return CLIENTS.computeIfAbsent(fast + key, k ->
                AnthropicOkHttpClient.builder().baseUrl(gateway(fast).baseUrl()).apiKey(key).maxRetries(0).build());
    }

    static ChatCompletionCreateParams chat(String model, String text) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(text).build();
    }

    static MessageCreateParams message(String model, String text) {
        return MessageCreateParams.builder().model(model).maxTokens(256).addUserMessage(text).build();
    }

    static String streamedText(OpenAIClient client, ChatCompletionCreateParams params) {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(ch -> ch.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        }
        return text.toString();
    }

    static String text(ChatCompletion c) {
        return c.choices().get(0).message().content().orElse("");
    }

    // ---- (a) a stage answers the call itself --------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aStageAnswersTheCallItselfThroughBothSdksWholeAndStreamed(boolean fast) {
        OpenAIClient oa = gateway(fast).openAiClient(ANSWER_KEY);
        assertThat(text(oa.chat().completions().create(chat(OPENAI, "hello")))).isEqualTo("from the stage");
        assertThat(streamedText(oa, chat(OPENAI, "hello"))).isEqualTo("from the stage");
        {
            AnthropicClient an = anthropicClient(fast, ANSWER_KEY);
            for (String model : List.of(CLAUDE, OPENAI)) { // the pass-through route and a translated one
                assertThat(AnthropicSdkIT.text(an.messages().create(message(model, "hello")).validate())).isEqualTo("from the stage");
                Message streamed = AnthropicSdkIT.stream(an, message(model, "hello"));
                assertThat(AnthropicSdkIT.text(streamed)).isEqualTo("from the stage");
                assertThat(streamed.usage().outputTokens()).isEqualTo(5);
            }
        }
        assertThat(openAi.requests()).isEmpty();
        assertThat(anthropic.requests()).isEmpty();
        List<UsageEvent> usage = gateway(fast).usage().awaitEvents(6, Duration.ofSeconds(5));
        assertThat(usage).allSatisfy(u -> {
            assertThat(u.status()).isEqualTo(200);
            assertThat(u.keyName()).isEqualTo("answer");
            assertThat(u.usage().completionTokens()).isEqualTo(5);
            assertThat(u.costUsd()).isZero(); // no provider worked
        });
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theAnswerSaysWhichStageMadeIt(boolean fast) throws Exception {
        HttpResponse<String> r = post(fast, ANSWER_KEY, "/v1/chat/completions",
                "{\"model\":\"" + OPENAI + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-answered-by")).hasValue("answer");
        assertThat(JSON.readTree(r.body()).path("usage").path("total_tokens").asInt()).isEqualTo(8);
    }

    // ---- (b) a stage rewrites the request -----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aRewrittenRequestIsWhatEveryUpstreamGets(boolean fast) {
        OpenAIClient oa = gateway(fast).openAiClient(REWRITE_KEY);
        assertThat(text(oa.chat().completions().create(chat(OPENAI, "my secret-word is here")))).isEqualTo("echo: my [masked] is here");
        assertThat(openAi.lastRequest().body()).contains("[masked]").doesNotContain("secret-word");
        {
            AnthropicClient an = anthropicClient(fast, REWRITE_KEY);
            // the Anthropic pass-through sends the client's own bytes: never when a stage rewrote the request
            Message m = an.messages().create(message(CLAUDE, "my secret-word is here")).validate();
            assertThat(AnthropicSdkIT.text(m)).isEqualTo("echo: my [masked] is here");
            assertThat(anthropic.lastRequest().body()).contains("[masked]").doesNotContain("secret-word");
            Message streamed = AnthropicSdkIT.stream(an, message(CLAUDE, "my secret-word again"));
            assertThat(AnthropicSdkIT.text(streamed)).isEqualTo("echo: my [masked] again");
            assertThat(anthropic.lastRequest().body()).doesNotContain("secret-word");
        }
    }

    // ---- (c) a stage rewrites the answer, streamed text across chunk boundaries --------------------------------

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void answerTextIsRewrittenWholeAndAcrossStreamChunks(boolean fast) {
        OpenAIClient oa = gateway(fast).openAiClient(REPLACE_KEY);
        // the fakes stream word by word: "quick " and "brown" arrive in different chunks
        assertThat(text(oa.chat().completions().create(chat(OPENAI, "the quick brown fox")))).isEqualTo("echo: the slow red fox");
        assertThat(streamedText(oa, chat(OPENAI, "the quick brown fox"))).isEqualTo("echo: the slow red fox");
        assertThat(streamedText(oa, chat(CLAUDE, "the quick brown fox"))).isEqualTo("echo: the slow red fox");
        {
            AnthropicClient an = anthropicClient(fast, REPLACE_KEY);
            for (String model : List.of(CLAUDE, OPENAI)) {
                assertThat(AnthropicSdkIT.text(an.messages().create(message(model, "a quick brown fox")).validate()))
                        .as(model).isEqualTo("echo: a slow red fox");
                assertThat(AnthropicSdkIT.text(AnthropicSdkIT.stream(an, message(model, "a quick brown fox"))))
                        .as(model).isEqualTo("echo: a slow red fox");
            }
        }
    }

    // ---- (d) a stage fails --------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aFailingStageGivesACleanErrorInTheCallersDialectAndAUsageRecord(boolean fast) throws Exception {
        OpenAIClient oa = gateway(fast).openAiClient(FAIL_KEY);
        assertThatThrownBy(() -> oa.chat().completions().create(chat(OPENAI, "hello")))
                .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(500);
                    assertThat(e.getMessage()).contains("broken").doesNotContain("sk-never-shown");
                });
        {
            AnthropicClient an = anthropicClient(fast, FAIL_KEY);
            assertThatThrownBy(() -> an.messages().create(message(CLAUDE, "hello")))
                    .isInstanceOfSatisfying(AnthropicServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
        }
        HttpResponse<String> raw = post(fast, FAIL_KEY, "/v1/messages",
                "{\"model\":\"" + CLAUDE + "\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        JsonNode body = JSON.readTree(raw.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo("api_error");
        assertThat(raw.body()).doesNotContain("sk-never-shown");
        assertThat(openAi.requests()).isEmpty();
        assertThat(anthropic.requests()).isEmpty();
        List<UsageEvent> usage = gateway(fast).usage().awaitEvents(3, Duration.ofSeconds(5));
        assertThat(usage).allSatisfy(u -> {
            assertThat(u.status()).isEqualTo(500);
            assertThat(u.keyName()).isEqualTo("fail");
        });
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aStageFailingOnTheAnswerOrMidStreamEndsCleanly(boolean fast) throws Exception {
        assertThatThrownBy(() -> gateway(fast).openAiClient(FAIL_ANSWER_KEY).chat().completions().create(chat(OPENAI, "hello")))
                .isInstanceOfSatisfying(OpenAIServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
        HttpResponse<String> r = post(fast, FAIL_STREAM_KEY, "/v1/chat/completions",
                "{\"model\":\"" + OPENAI + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}");
        assertThat(r.statusCode()).isEqualTo(200); // the stream had started: it ends with one error event
        assertThat(r.body()).contains("stage_failed").doesNotContain("[DONE]");
        HttpResponse<String> a = post(fast, FAIL_STREAM_KEY, "/v1/messages",
                "{\"model\":\"" + CLAUDE + "\",\"stream\":true,\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}");
        assertThat(a.body()).contains("event: error").doesNotContain("message_stop");
        List<UsageEvent> usage = gateway(fast).usage().awaitEvents(3, Duration.ofSeconds(5));
        assertThat(usage).extracting(UsageEvent::keyName).containsOnly("failans", "failstream");
    }

    // ---- hooks in reverse order ---------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void outcomeHooksRunInReverseAfterAShortCircuit(boolean fast) throws Exception {
        String id = requestId(post(fast, ANSWER_KEY, "/v1/chat/completions",
                "{\"model\":\"" + OPENAI + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        assertThat(awaitJournal(id, 2)).containsExactly("outer.request", "outer.outcome:200:answer");

        String refused = requestId(post(fast, REFUSE_KEY, "/v1/chat/completions",
                "{\"model\":\"" + OPENAI + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        assertThat(awaitJournal(refused, 4)).containsExactly("a.request", "guard.request",
                "guard.outcome:400:guard", "a.outcome:400:guard");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void outcomeHooksRunInReverseAfterAnUpstreamError(boolean fast) throws Exception {
        openAi.enqueue(FakeUpstream.error(500, "upstream broke"));
        HttpResponse<String> r = post(fast, JOURNAL_KEY, "/v1/chat/completions",
                "{\"model\":\"" + OPENAI + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isGreaterThanOrEqualTo(500);
        int status = r.statusCode();
        assertThat(awaitJournal(requestId(r), 4)).containsExactly("a.request", "b.request", "b.outcome:" + status, "a.outcome:" + status);
    }

    /** Admission is the built-in stage before the configured ones: a call it refuses never reaches them. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aLimitRefusesBeforeTheConfiguredStagesRun(boolean fast) throws Exception {
        String body = "{\"model\":\"" + OPENAI + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> first = post(fast, LIMITED_KEY, "/v1/chat/completions", body);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(awaitJournal(requestId(first), 2)).containsExactly("a.request", "a.outcome:200");
        HttpResponse<String> second = post(fast, LIMITED_KEY, "/v1/chat/completions", body);
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(awaitJournal(requestId(second), 1)).isEmpty();
        List<UsageEvent> usage = gateway(fast).usage().awaitEvents(2, Duration.ofSeconds(5));
        assertThat(usage).extracting(UsageEvent::status).containsExactly(200, 429);
    }

    static HttpResponse<String> post(boolean fast, String key, String path, String body) {
        return lanes.post(fast, key, path, body);
    }

    static String requestId(HttpResponse<String> r) {
        return r.headers().firstValue("x-switchboard-request-id")
                .or(() -> r.headers().firstValue("x-request-id")).orElseThrow();
    }

    static List<String> awaitJournal(String requestId, int atLeast) throws InterruptedException {
        for (int i = 0; i < 100 && StageJournal.of(requestId).size() < atLeast; i++) {
            Thread.sleep(20);
        }
        Thread.sleep(50); // nothing more must come
        return StageJournal.of(requestId);
    }
}

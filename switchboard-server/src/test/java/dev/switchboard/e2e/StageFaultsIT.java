package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.usage.UsageEvent;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stages that misbehave the way third-party code does: an outcome hook that throws (an exception, or an Error such as
 * a class missing from a plugin's jar), a request hook that throws an Error after another stage waited, an answer
 * that is not a chat completion. The client always gets an answer or a clean error, and the call is always recorded.
 */
class StageFaultsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String OPENAI = "fake/gpt-4o";
    static final String CLAUDE = "claude/" + FakeAnthropicUpstream.MODEL;
    static final String OUTCOME_KEY = "sk-fault-outcome-key-1";
    static final String OUTCOME_ERROR_KEY = "sk-fault-outerr-key-1";
    static final String LATE_ERROR_KEY = "sk-fault-lateerr-key-1";
    static final String GARBAGE_KEY = "sk-fault-garbage-key-1";
    static final String NOT_CHAT_KEY = "sk-fault-notchat-key-1";
    static final String SLOW_ANSWER_KEY = "sk-fault-slowans-key-1";
    static final String FRAMING_KEY = "sk-fault-framing-key-1";
    static final String ON_STREAM_KEY = "sk-fault-onstream-key-1";
    static final String BAD_HOOK_KEY = "sk-fault-badhook-key-1";
    static final String NO_USAGE_KEY = "sk-fault-nousage-key-1";
    static final String READER_KEY = "sk-fault-reader-key-1";

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
                timeouts: { total: 20s }
                retry: { retries: 2 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s, models: [gpt-4o] }
                  - { name: claude, type: anthropic, base_url: %s, api_key: %s, models: [%s] }
                  - { name: narrow, type: openai, base_url: %s, api_key: %s, models: [gpt-4o], max_connections: 1 }
                keys:
                  - name: outcome
                    key: %s
                    stages: [{ type: test_journal, name: outer }, { type: test_fail, name: broken, settings: { phase: outcome } }]
                  - name: outerr
                    key: %s
                    stages: [{ type: test_journal, name: outer }, { type: test_fail, name: broken, settings: { phase: outcome_error } }]
                  - name: lateerr
                    key: %s
                    stages: [{ type: test_journal, name: outer }, { type: test_fail, name: slow, settings: { phase: none, delay_ms: 20 } }, { type: test_fail, name: broken, settings: { phase: request_error } }]
                  - name: garbage
                    key: %s
                    stages: [{ type: test_answer, name: garbage, settings: { body: "{not json" } }]
                  - name: notchat
                    key: %s
                    stages: [{ type: test_answer, name: notchat, settings: { body: "[1, 2, 3]" } }]
                  - name: slowans
                    key: %s
                    stages: [{ type: test_replace_answer, name: slow, settings: { find: a, replace: b, delay_ms: 600 } }]
                  - name: framing
                    key: %s
                    stages: [{ type: test_journal, name: length, settings: { header: { name: Content-Length, value: "1" } } }, { type: test_journal, name: encoding, settings: { header: { name: transfer-encoding, value: identity } } }, { type: test_journal, name: conn, settings: { header: { name: connection, value: close } } }]
                  - name: onstream
                    key: %s
                    stages: [{ type: test_fail, name: broken, settings: { phase: on_stream } }]
                  - name: badhook
                    key: %s
                    stages: [{ type: test_replace_answer, name: mangler, settings: { find: a, replace: b, garbage: "<html>oops" } }]
                  - name: nousage
                    key: %s
                    stages: [{ type: test_answer, name: bare, settings: { body: '{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"plain"},"finish_reason":"stop"}]}' } }]
                  - name: reader
                    key: %s
                    stages: [{ type: test_journal, name: reader, settings: { read_headers: [Authorization, x-api-key, cookie, proxy-authorization, x-goog-api-key, cache-control] } }]
                """.formatted(fast, l.openAi.baseUrl(), GatewayFixture.UPSTREAM_KEY, l.anthropic.baseUrl(),
                FakeAnthropicUpstream.API_KEY, FakeAnthropicUpstream.MODEL, l.openAi.baseUrl(), GatewayFixture.UPSTREAM_KEY, OUTCOME_KEY, OUTCOME_ERROR_KEY,
                LATE_ERROR_KEY, GARBAGE_KEY, NOT_CHAT_KEY,
                SLOW_ANSWER_KEY, FRAMING_KEY, ON_STREAM_KEY, BAD_HOOK_KEY, NO_USAGE_KEY,
                READER_KEY);
    }

    @AfterAll
    static void stop() {
        lanes.close();
    }

    @BeforeEach
    void reset() {
        lanes.reset();
    }

    static GatewayFixture gateway(boolean fast) {
        return lanes.gateway(fast);
    }

    static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}";
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void anOutcomeHookThatThrowsStillLetsTheOuterStagesAndRecordingRun(boolean fast) throws Exception {
        for (String key : List.of(OUTCOME_KEY, OUTCOME_ERROR_KEY)) {
            HttpResponse<String> r = post(fast, key, "/v1/chat/completions", chat(OPENAI, false));
            assertThat(r.statusCode()).as(key).isEqualTo(200);
            assertThat(StagesIT.awaitJournal(StagesIT.requestId(r), 2)).as(key).containsExactly("outer.request", "outer.outcome:200");
        }
        List<UsageEvent> usage = gateway(fast).usage().awaitEvents(2, Duration.ofSeconds(5));
        assertThat(usage).extracting(UsageEvent::keyName).containsExactlyInAnyOrder("outcome", "outerr");
        assertThat(usage).allSatisfy(u -> assertThat(u.status()).isEqualTo(200));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void anErrorInARequestHookAfterAnotherStageWaitedIsACleanErrorNotAHang(boolean fast) throws Exception {
        HttpResponse<String> r = post(fast, LATE_ERROR_KEY, "/v1/chat/completions", chat(OPENAI, false));
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("broken").doesNotContain("sk-never-shown").doesNotContain("Dependency");
        assertThat(openAi.requests()).isEmpty();
        assertThat(StagesIT.awaitJournal(StagesIT.requestId(r), 2)).containsExactly("outer.request", "outer.outcome:500:broken");
        List<UsageEvent> usage = gateway(fast).usage().awaitEvents(1, Duration.ofSeconds(5));
        assertThat(usage).extracting(UsageEvent::status).containsExactly(500);
    }

    /** A stage's answer that is not a chat completion is the stage's failure: a 5xx in the caller's dialect, never a 200 of garbage. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aStageAnswerThatIsNotAChatCompletionIsAServerErrorInEveryShape(boolean fast) throws Exception {
        for (String key : List.of(GARBAGE_KEY, NOT_CHAT_KEY)) {
            for (boolean stream : List.of(false, true)) {
                HttpResponse<String> oa = post(fast, key, "/v1/chat/completions", chat(OPENAI, stream));
                assertThat(oa.statusCode()).as(key + " openai stream=" + stream).isGreaterThanOrEqualTo(500);
                JsonNode body = JSON.readTree(oa.body());
                assertThat(body.path("error").path("message").asText()).as(key).isNotEmpty();
                HttpResponse<String> an = post(fast, key, "/v1/messages",
                        "{\"model\":\"" + CLAUDE + "\",\"stream\":" + stream
                                + ",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                assertThat(an.statusCode()).as(key + " anthropic stream=" + stream).isGreaterThanOrEqualTo(500);
                assertThat(JSON.readTree(an.body()).path("type").asText()).isEqualTo("error");
            }
        }
        List<UsageEvent> usage = gateway(fast).usage().awaitEvents(8, Duration.ofSeconds(5));
        assertThat(usage).hasSize(8).allSatisfy(u -> assertThat(u.status()).isGreaterThanOrEqualTo(500));
    }

    /**
     * The provider answered, a stage works on the answer, the client leaves: a 499 whose usage is what the provider
     * reported (it did the work), not an unknown that keeps the whole reservation as the charge.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aClientLeavingWhileAStageWorksOnTheAnswerIsRecordedWithTheProvidersUsage(boolean fast) throws Exception {
        String body = chat(OPENAI, false);
        URI uri = URI.create(gateway(fast).baseUrl());
        try (java.net.Socket s = new java.net.Socket(uri.getHost(), uri.getPort())) {
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer "
                    + SLOW_ANSWER_KEY + "\r\ncontent-type: application/json\r\ncontent-length: " + body.length()
                    + "\r\n\r\n" + body).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            for (int i = 0; i < 100 && openAi.requests().isEmpty(); i++) {
                Thread.sleep(10);
            }
            Thread.sleep(150); // the provider's answer is in; the stage holds it
        }
        List<UsageEvent> usage = gateway(fast).usage().awaitEvents(1, Duration.ofSeconds(5));
        assertThat(usage).singleElement().satisfies(u -> {
            assertThat(u.status()).isEqualTo(499);
            assertThat(u.usageReported()).isTrue();
            assertThat(u.usage().completionTokens()).isPositive();
        });
    }

    /** The answer's framing is the gateway's: a stage may not set content-length, transfer-encoding or connection. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aStageCannotSetTheAnswersFramingHeaders(boolean fast) throws Exception {
        for (boolean stream : List.of(false, true)) {
            HttpResponse<String> r = post(fast, FRAMING_KEY, "/v1/chat/completions", chat(OPENAI, stream));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(stream ? ResponseCacheStreamFaultsIT.text(r.body())
                    : JSON.readTree(r.body()).path("choices").path(0).path("message").path("content").asText())
                    .isEqualTo("echo: hello there");
            assertThat(r.headers().firstValue("connection")).isNotEqualTo(java.util.Optional.of("close"));
            assertThat(StagesIT.awaitJournal(StagesIT.requestId(r), 6)).contains("length.header refused",
                    "encoding.header refused", "conn.header refused");
        }
    }

    /**
     * A stage failing to give its stream step, once the provider's stream is there: a clean 500 naming the stage, and
     * the provider's connection is not left held (one connection allowed: the next calls still get it).
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aStageFailingToGiveItsStreamStepLeavesNoUpstreamCallHeld(boolean fast) throws Exception {
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = post(fast, ON_STREAM_KEY, "/v1/chat/completions", chat("narrow/gpt-4o", true));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
            assertThat(r.body()).contains("broken").doesNotContain("no stream step today");
        }
        assertThat(openAi.requests()).as("a stage's failure is not the provider's: never retried").hasSize(3);
        HttpResponse<String> plain = post(fast, OUTCOME_KEY, "/v1/chat/completions",
                chat("narrow/gpt-4o", true));
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
        assertThat(plain.body()).contains("[DONE]");
    }

    /** An answer hook that turns the provider's answer into something that is not one: the stage's 500, never a 200. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void anAnswerHookGivingSomethingThatIsNotAnAnswerIsTheStagesFailure(boolean fast) throws Exception {
        HttpResponse<String> r = post(fast, BAD_HOOK_KEY, "/v1/chat/completions", chat(OPENAI, false));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
        assertThat(JSON.readTree(r.body()).path("error").path("message").asText()).contains("mangler");
        List<UsageEvent> usage = gateway(fast).usage().awaitEvents(1, Duration.ofSeconds(5));
        assertThat(usage).singleElement().satisfies(u -> assertThat(u.usageReported()).isTrue()); // the provider worked
    }

    /** A stage's answer without usage goes out whole and streamed in both dialects, well formed. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aStageAnswerWithoutUsageIsServedInEveryShape(boolean fast) throws Exception {
        assertThat(post(fast, NO_USAGE_KEY, "/v1/chat/completions", chat(OPENAI, false)).body()).contains("plain");
        HttpResponse<String> s = post(fast, NO_USAGE_KEY, "/v1/chat/completions",
                "{\"model\":\"" + OPENAI + "\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(s.statusCode()).isEqualTo(200);
        assertThat(ResponseCacheStreamFaultsIT.text(s.body())).isEqualTo("plain");
        assertThat(s.body()).contains("[DONE]");
        for (boolean stream : List.of(false, true)) {
            HttpResponse<String> a = post(fast, NO_USAGE_KEY, "/v1/messages", "{\"model\":\"" + CLAUDE + "\",\"stream\":"
                    + stream + ",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
            assertThat(a.body()).contains("plain").doesNotContain("\"error\"");
            if (stream) {
                assertThat(a.body()).contains("message_stop");
            }
        }
    }

    /** The client's credentials are the gateway's business: a stage (a webhook, a logger) never reads them. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aStageNeverSeesTheClientsCredentials(boolean fast) throws Exception {
        for (String path : List.of("/v1/chat/completions", "/v1/messages")) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway(fast).baseUrl() + path))
                    .header("content-type", "application/json").header("cookie", "session=sk-cookie-secret")
                    .header("proxy-authorization", "Basic c2VjcmV0").header("x-goog-api-key", "AIza-secret")
                    .header("cache-control", "no-cache")
                    .POST(HttpRequest.BodyPublishers.ofString(path.equals("/v1/messages")
                            ? "{\"model\":\"" + CLAUDE + "\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                            : chat(OPENAI, false)));
            b = path.equals("/v1/messages") ? b.header("x-api-key", READER_KEY).header("anthropic-version", "2023-06-01")
                    : b.header("authorization", "Bearer " + READER_KEY);
            HttpResponse<String> r = gateway(fast).send(b.build());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(StagesIT.awaitJournal(StagesIT.requestId(r), 8)).as(path).startsWith("reader.request",
                    "reader.header Authorization=null", "reader.header x-api-key=null", "reader.header cookie=null",
                    "reader.header proxy-authorization=null", "reader.header x-goog-api-key=null",
                    "reader.header cache-control=no-cache");
        }
    }

    static HttpResponse<String> post(boolean fast, String key, String path, String body) {
        return lanes.post(fast, key, path, body);
    }
}

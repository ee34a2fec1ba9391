package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static dev.switchboard.testing.ErrorBodies.assertErrorJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SseEvents;
import dev.switchboard.usage.UsageEvent;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Anthropic's failures, as HTTP errors and inside streams, as the OpenAI client sees them. */
class AnthropicErrorsIT {
    static final String CHAT = "{\"model\":\"sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";
    static final String STREAM_CHAT = "{\"model\":\"sonnet\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";
    /** message_start, content_block_start, ping, the first text delta. */
    static final int THROUGH_FIRST_DELTA = 4;

    static FakeAnthropicUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeAnthropicUpstream.start();
        gateway = GatewayFixture.withYaml(upstream.gatewayYaml());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void clear() {
        upstream.reset();
        gateway.usage().clear();
    }

    @AfterEach
    void upstreamRefusedNothing() {
        assertThat(upstream.rejections()).as("requests the strict fake refused").isEmpty();
    }

    @Test
    void overloaded529Is503WithTheMessageKept() {
        upstream.enqueue(FakeAnthropicUpstream.error(529, "overloaded_error", "Overloaded"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT);
        JsonNode error = assertError(r, 503, "api_error", "upstream_overloaded");
        assertThat(error.get("message").asText()).contains("claude").contains("Overloaded");
        assertThat(r.body()).doesNotContain("\"type\":\"error\"");
        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(2)).get(0);
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.usageReported()).isFalse();
    }

    @Test
    void overloadedBeforeAStreamStartsIsAPlainJson503() {
        upstream.enqueue(FakeAnthropicUpstream.error(529, "overloaded_error", "Overloaded"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM_CHAT);
        assertError(r, 503, "api_error", "upstream_overloaded");
        assertThat(r.body()).doesNotContain("data:");
    }

    @Test
    void sdkSeesThe503AsAServerError() {
        upstream.enqueue(FakeAnthropicUpstream.error(529, "overloaded_error", "Overloaded"));
        InternalServerException e = catchThrowableOfType(InternalServerException.class, () -> gateway.openAiClient().chat().completions()
                .create(ChatCompletionCreateParams.builder().model("sonnet").addUserMessage("hi").build()));
        assertThat(e.statusCode()).isEqualTo(503);
    }

    @Test
    void rateLimit429KeepsStatusAndRetryAfter() {
        upstream.enqueue(FakeAnthropicUpstream.error(429, "rate_limit_error",
                "This request would exceed the rate limit for your organization of 50 requests per minute.", "retry-after", "17"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT);
        JsonNode error = assertError(r, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(r.headers().firstValue("retry-after")).hasValue("17");
        assertThat(error.get("message").asText()).contains("50 requests per minute");

        upstream.enqueue(FakeAnthropicUpstream.error(429, "rate_limit_error", "slow down", "retry-after", "3"));
        RateLimitException e = catchThrowableOfType(RateLimitException.class, () -> gateway.openAiClient().chat().completions()
                .create(ChatCompletionCreateParams.builder().model("sonnet").addUserMessage("hi").build()));
        assertThat(e.statusCode()).isEqualTo(429);
        assertThat(e.headers().values("retry-after")).containsExactly("3");
    }

    @Test
    void upstream401IsNotTheCallers401AndLeaksNoKey() {
        upstream.enqueue(FakeAnthropicUpstream.error(401, "authentication_error", "invalid x-api-key " + GatewayFixture.UPSTREAM_KEY));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT);
        assertThat(r.statusCode()).isNotEqualTo(401);
        JsonNode error = assertError(r, 502, "api_error", "upstream_error");
        assertThat(error.get("message").asText()).contains("rejected the gateway's credentials");
    }

    @Test
    void upstream400IsPassedOnAsTheProvidersRefusal() {
        upstream.enqueue(FakeAnthropicUpstream.error(400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum"));
        JsonNode error = assertError(gateway.post("/v1/chat/completions", CHAT), 400, "invalid_request_error", "upstream_error");
        assertThat(error.get("message").asText()).contains("prompt is too long").contains("req_011CTestFake");
    }

    @Test
    void errorEventMidStreamEndsTheStreamWithOneErrorEventAndNoDone() {
        upstream.enqueue(upstream.errorMidStream(THROUGH_FIRST_DELTA, "overloaded_error", "Overloaded"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM_CHAT);
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> events = SseEvents.data(r.body());
        assertThat(r.body()).doesNotContain("[DONE]").doesNotContain("\"finish_reason\":\"").doesNotContain("event:");
        assertThat(events.stream().filter(e -> e.contains("\"error\""))).hasSize(1);
        assertThat(String.join("", events.subList(0, events.size() - 1))).contains("\"role\":\"assistant\"").contains("echo:");
        JsonNode error = assertErrorJson(events.get(events.size() - 1), "api_error", "upstream_overloaded");
        assertThat(error.get("message").asText()).contains("Overloaded");
        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(2)).get(0);
        assertThat(e.stream()).isTrue();
        assertThat(e.usageReported()).as("message_start reported the input").isTrue();
        assertThat(e.usage().promptTokens()).isEqualTo(AnthropicChatIT.PROMPT_TOKENS);
    }

    @Test
    void errorEventBeforeMessageStartRecordsNoUsage() {
        upstream.enqueue(upstream.errorMidStream(0, "overloaded_error", "Overloaded"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM_CHAT);
        List<String> events = SseEvents.data(r.body());
        assertThat(events).hasSize(1);
        assertErrorJson(events.get(0), "api_error", "upstream_overloaded");
        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(2)).get(0);
        assertThat(e.usageReported()).as("the provider reported no usage: %s", e.usage()).isFalse();
    }

    @Test
    void streamDroppedBeforeMessageStopEndsWithAnErrorEventAndNoDone() {
        for (boolean abrupt : List.of(true, false)) {
            upstream.enqueue(upstream.cutBeforeMessageStop(abrupt));
            HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM_CHAT);
            assertThat(r.statusCode()).isEqualTo(200);
            List<String> events = SseEvents.data(r.body());
            assertThat(r.body()).as("abrupt=%s", abrupt).doesNotContain("[DONE]");
            assertThat(String.join("", events)).contains("echo:");
            assertThat(events.stream().filter(e -> e.contains("\"error\""))).as("abrupt=%s", abrupt).hasSize(1);
            assertErrorJson(events.get(events.size() - 1), "api_error", "upstream_stream_interrupted");
        }
    }

    @Test
    void gatewayServesNormallyAfterBrokenStreams() {
        upstream.enqueue(upstream.errorMidStream(2, "api_error", "Internal server error"));
        gateway.post("/v1/chat/completions", STREAM_CHAT);
        upstream.enqueue(upstream.cutBeforeMessageStop(true));
        gateway.post("/v1/chat/completions", STREAM_CHAT);
        HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM_CHAT);
        List<String> events = SseEvents.data(r.body());
        assertThat(events).last().isEqualTo("[DONE]");
        assertThat(String.join("", events)).contains("echo:");
    }
}

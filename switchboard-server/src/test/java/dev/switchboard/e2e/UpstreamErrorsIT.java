package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.usage.UsageEvent;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Upstream error answers: status and Retry-After passed on, messages kept but scrubbed, credentials failures hidden. */
class UpstreamErrorsIT {
    static final String CHAT = "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String STREAM_CHAT = "{\"model\":\"smart\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.openAi(upstream);
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

    @Test
    void upstream500IsPassedOnAsAServerErrorWithTheProviderNamed() {
        upstream.enqueue(FakeUpstream.error(500, "The server had an error while processing your request."));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT);
        JsonNode error = assertError(r, 500, "api_error", "upstream_error");
        assertThat(error.get("message").asText())
                .contains("Provider 'fake' returned HTTP 500")
                .contains("The server had an error while processing your request.");
        assertThat(r.headers().firstValue("x-switchboard-provider")).hasValue("fake");
        UsageEvent event = gateway.usage().awaitEvents(1, Duration.ofSeconds(2)).get(0);
        assertThat(event.status()).isEqualTo(500);
        assertThat(event.usageReported()).isFalse();
    }

    @Test
    void upstream502WithAnHtmlPageDoesNotLeakThePage() {
        upstream.enqueue((req, b) -> req.response().setStatusCode(502).putHeader("content-type", "text/html")
                .end("<html><body>Bad Gateway nginx " + GatewayFixture.UPSTREAM_KEY + "</body></html>"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT);
        JsonNode error = assertError(r, 502, "api_error", "upstream_error");
        assertThat(error.get("message").asText()).contains("HTTP 502").doesNotContain("<html>");
    }

    @Test
    void upstream429KeepsStatusAndRetryAfter() {
        upstream.enqueue(FakeUpstream.json(429,
                "{\"error\":{\"message\":\"Rate limit reached for gpt-4o\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}",
                "retry-after", "7"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT);
        JsonNode error = assertError(r, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(r.headers().firstValue("retry-after")).hasValue("7");
        assertThat(error.get("message").asText()).contains("Rate limit reached for gpt-4o");
    }

    @Test
    void sdkSeesA429AsRateLimitException() {
        upstream.enqueue(FakeUpstream.error(429, "slow down", "retry-after", "1"));
        var client = gateway.openAiClient();
        try {
            client.chat().completions().create(ChatCompletionCreateParams.builder().model("smart").addUserMessage("hi").build());
            throw new AssertionError("expected a RateLimitException");
        } catch (RateLimitException e) {
            assertThat(e.statusCode()).isEqualTo(429);
            assertThat(e.getMessage()).contains("slow down");
        }
    }

    @Test
    void upstream503IsPassedOnAsOverloaded() {
        upstream.enqueue(FakeUpstream.error(503, "The engine is currently overloaded, please try again later.", "retry-after", "2"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT);
        JsonNode error = assertError(r, 503, "api_error", "upstream_overloaded");
        assertThat(error.get("message").asText()).contains("currently overloaded");
        assertThat(r.headers().firstValue("retry-after")).hasValue("2");
    }

    @Test
    void upstream400MessageIsPassedThrough() {
        String msg = "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.";
        upstream.enqueue(FakeUpstream.json(400,
                "{\"error\":{\"message\":\"" + msg + "\",\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT);
        JsonNode error = assertError(r, 400, "invalid_request_error", "upstream_error");
        assertThat(error.get("message").asText()).contains(msg);
    }

    @Test
    void upstream404IsModelNotFound() {
        upstream.enqueue(FakeUpstream.json(404,
                "{\"error\":{\"message\":\"The model `gpt-4o` does not exist or you do not have access to it.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"model_not_found\"}}"));
        JsonNode error = assertError(gateway.post("/v1/chat/completions", CHAT), 404, "invalid_request_error", "model_not_found");
        assertThat(error.get("message").asText()).contains("does not exist");
    }

    @Test
    void upstream401IsNotTheCallers401() {
        upstream.enqueue(FakeUpstream.json(401,
                "{\"error\":{\"message\":\"Incorrect API key provided: " + GatewayFixture.UPSTREAM_KEY
                        + ". You can find your API key at https://platform.openai.com/account/api-keys.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT);
        JsonNode error = assertError(r, 502, "api_error", "upstream_error");
        assertThat(error.get("message").asText()).contains("rejected the gateway's credentials");
    }

    @Test
    void upstream403IsNotTheCallers403() {
        upstream.enqueue(FakeUpstream.error(403, "Project does not have access"));
        assertError(gateway.post("/v1/chat/completions", CHAT), 502, "api_error", "upstream_error");
    }

    @Test
    void upstreamKeyEchoedInAnErrorMessageIsScrubbed() {
        upstream.enqueue(FakeUpstream.json(400,
                "{\"error\":{\"message\":\"Bad header 'Authorization: Bearer " + GatewayFixture.UPSTREAM_KEY
                        + "' for key " + GatewayFixture.UPSTREAM_KEY + "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT);
        JsonNode error = assertError(r, 400, "invalid_request_error", "upstream_error");
        assertThat(error.get("message").asText()).contains("Bad header 'Authorization: Bearer ***' for key ***");
    }

    @Test
    void upstreamKeyInAPlainStringErrorIsScrubbed() {
        upstream.enqueue(FakeUpstream.json(500, "{\"error\":\"internal failure using " + GatewayFixture.UPSTREAM_KEY + "\"}"));
        JsonNode error = assertError(gateway.post("/v1/chat/completions", CHAT), 500, "api_error", "upstream_error");
        assertThat(error.get("message").asText()).contains("internal failure using ***");
    }

    @Test
    void upstreamErrorForAStreamingRequestIsAPlainJsonError() {
        upstream.enqueue(FakeUpstream.error(429, "too many", "retry-after", "3"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM_CHAT);
        assertError(r, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(r.headers().firstValue("retry-after")).hasValue("3");
        assertThat(r.body()).doesNotContain("data:");
    }

    @Test
    void gatewayKeepsServingAfterUpstreamErrors() {
        upstream.enqueue(FakeUpstream.error(500, "boom"));
        assertThat(gateway.post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(500);
        HttpResponse<String> ok = gateway.post("/v1/chat/completions", CHAT);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.body()).contains("echo: hi");
    }
}

package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SseEvents;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Retries and fallbacks through real HTTP: what the client gets, and what each upstream received. */
class FallbackAndRetryIT {
    static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String STREAM = "{\"model\":\"%s\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static FakeUpstream primary;
    static FakeUpstream backup;
    static FakeAnthropicUpstream anthropic;
    GatewayFixture gateway;

    @BeforeAll
    static void startUpstreams() {
        primary = FakeUpstream.start();
        backup = FakeUpstream.start();
        anthropic = FakeAnthropicUpstream.start();
    }

    @AfterAll
    static void stopUpstreams() {
        primary.close();
        backup.close();
        anthropic.close();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        primary.reset();
        backup.reset();
        anthropic.reset();
    }

    private GatewayFixture start(String extra) {
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: primary, type: openai, base_url: %s, api_key: %s }
                  - { name: backup, type: openai, base_url: %s, api_key: %s }
                  - { name: claude, type: anthropic, base_url: %s, api_key: %s }
                keys:
                  - { name: tester, key: %s }
                %s
                """.formatted(primary.baseUrl(), GatewayFixture.UPSTREAM_KEY, backup.baseUrl(), GatewayFixture.UPSTREAM_KEY,
                anthropic.baseUrl(), FakeAnthropicUpstream.API_KEY, GatewayFixture.KEY, extra));
        return gateway;
    }

    private static final String ROUTE = """
            routes:
              - name: chat
                rules:
                  - targets: [primary/gpt-4o, backup/gpt-4o-mini]
            """;

    @Test
    void aFailingTargetFallsBackToTheNextAndTheHeadersSaySo() {
        start(ROUTE);
        primary.enqueue(FakeUpstream.error(500, "primary is down"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT.formatted("chat"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("echo: hi");
        assertThat(r.headers().firstValue("x-switchboard-provider")).hasValue("backup");
        assertThat(r.headers().firstValue("x-switchboard-model")).hasValue("gpt-4o-mini");
        assertThat(r.headers().firstValue("x-switchboard-attempts")).hasValue("2");
        assertThat(r.headers().firstValue("x-switchboard-route")).hasValue("chat");
        assertThat(primary.requests()).hasSize(1);
        assertThat(backup.lastRequest().json().get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(gateway.usage().awaitEvents(1, Duration.ofSeconds(2)).get(0).provider()).isEqualTo("backup");
    }

    @Test
    void theOfficialSdkSeesOneAnswerWhenTheFirstTargetIsUnreachable() {
        // a provider on a port nobody listens on: connection refused
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: dead, type: openai, base_url: "http://127.0.0.1:1/v1", api_key: x }
                  - { name: backup, type: openai, base_url: %s, api_key: x }
                keys:
                  - { name: tester, key: %s }
                routes:
                  - name: chat
                    rules:
                      - targets: [dead/gpt-4o, backup/gpt-4o]
                """.formatted(backup.baseUrl(), GatewayFixture.KEY));
        ChatCompletion c = gateway.openAiClient().chat().completions().create(ChatCompletionCreateParams.builder()
                .model("dynamic/chat").addUserMessage("hello there").build());
        assertThat(c.choices().get(0).message().content()).hasValue("echo: hello there");
        assertThat(backup.requests()).hasSize(1);
    }

    @Test
    void aStreamFallsBackWhenTheFirstTargetFailsBeforeAnyByte() {
        start(ROUTE);
        primary.enqueue(FakeUpstream.error(503, "overloaded"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM.formatted("chat"));
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = SseEvents.data(r.body());
        assertThat(data).last().isEqualTo("[DONE]");
        assertThat(String.join("", data)).contains("echo");
        assertThat(r.headers().firstValue("x-switchboard-provider")).hasValue("backup");
        assertThat(primary.requests()).hasSize(1);
        assertThat(backup.requests()).hasSize(1);
    }

    @Test
    void aStreamThatBreaksBeforeItsFirstEventFallsBack() {
        start(ROUTE);
        primary.enqueue(primary.dropAfter(List.of(), Duration.ofMillis(5))); // 200, event-stream headers, then gone
        HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM.formatted("chat"));
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = SseEvents.data(r.body());
        assertThat(data).last().isEqualTo("[DONE]");
        assertThat(r.headers().firstValue("x-switchboard-provider")).hasValue("backup");
        assertThat(r.headers().firstValue("x-switchboard-attempts")).hasValue("2");
    }

    @Test
    void nothingIsRetriedOrFailedOverOnceTheStreamHasStarted() {
        start("""
                retry: { retries: 3, backoff: 10ms }
                routes:
                  - name: chat
                    rules:
                      - targets: [primary/gpt-4o, backup/gpt-4o]
                """);
        primary.enqueue(primary.dropAfter(List.of(
                SseEvents.chunk("Hel")),
                Duration.ofMillis(20)));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", STREAM.formatted("chat"));
        List<String> data = SseEvents.data(r.body());
        assertThat(data.get(0)).contains("Hel");
        assertThat(data).last().asString().contains("\"error\"");
        assertThat(data).doesNotContain("[DONE]");
        assertThat(primary.requests()).hasSize(1);
        assertThat(backup.requests()).isEmpty();
    }

    @Test
    void aFlakyUpstreamIsRecoveredByARetryOnTheSameTarget() {
        start("""
                retry: { retries: 2, backoff: 20ms }
                """);
        primary.enqueue(FakeUpstream.error(502, "bad gateway"));
        primary.enqueue(FakeUpstream.error(500, "again"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT.formatted("primary/gpt-4o"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-attempts")).hasValue("3");
        assertThat(primary.requests()).hasSize(3);
        assertThat(gateway.gateway().metrics().scrape())
                // primary/gpt-4o is not declared in the config: a client-chosen name, counted as "other" (H9)
                .contains("switchboard_upstream_retries_total{gen_ai_provider_name=\"primary\",target=\"other\"} 2.0");
    }

    @Test
    void a429WithoutFallbackIsPassedOnWithItsRetryAfter() {
        start(""); // no retry configured, no route
        primary.enqueue(FakeUpstream.error(429, "slow down", "retry-after", "7"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT.formatted("primary/gpt-4o"));
        assertError(r, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(r.headers().firstValue("retry-after")).hasValue("7");
        assertThat(primary.requests()).hasSize(1);
    }

    @Test
    void retryAfterIsWaitedForAndOneBeyondTheCapIsNot() throws Exception {
        start("""
                retry: { retries: 1, backoff: 10ms, max_retry_after: 3s }
                """);
        primary.enqueue(FakeUpstream.error(429, "wait a second", "retry-after", "1"));
        long t0 = System.nanoTime();
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT.formatted("primary/gpt-4o"));
        long waited = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(waited).isGreaterThanOrEqualTo(1000);
        assertThat(primary.requests()).hasSize(2);

        primary.reset();
        primary.enqueue(FakeUpstream.error(429, "come back in a minute", "retry-after", "60"));
        t0 = System.nanoTime();
        r = gateway.post("/v1/chat/completions", CHAT.formatted("primary/gpt-4o"));
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).hasValue("60");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3000);
        assertThat(primary.requests()).hasSize(1);
    }

    @Test
    void aClientErrorIsNeitherRetriedNorFailedOver() {
        start("""
                retry: { retries: 2, backoff: 10ms }
                routes:
                  - name: chat
                    rules:
                      - targets: [primary/gpt-4o, backup/gpt-4o]
                """);
        primary.enqueue(FakeUpstream.json(400, "{\"error\":{\"message\":\"Invalid 'temperature'\",\"type\":\"invalid_request_error\"}}"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT.formatted("chat"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(primary.requests()).hasSize(1);
        assertThat(backup.requests()).isEmpty();
    }

    @Test
    void contextLengthOverflowFallsBackToALargerModelOnlyWhenConfigured() {
        String overflow = "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens.\","
                + "\"type\":\"invalid_request_error\",\"code\":\"context_length_exceeded\"}}";
        start("""
                routes:
                  - name: long
                    fallback_on: [error, context_length]
                    rules:
                      - targets: [primary/gpt-4, backup/gpt-4o-128k]
                  - name: strict
                    rules:
                      - targets: [primary/gpt-4, backup/gpt-4o-128k]
                """);
        primary.enqueue(FakeUpstream.json(400, overflow));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT.formatted("long"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-model")).hasValue("gpt-4o-128k");

        primary.enqueue(FakeUpstream.json(400, overflow));
        r = gateway.post("/v1/chat/completions", CHAT.formatted("strict"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("maximum context length");
    }

    @Test
    void aContentFilterRefusalFallsBackWhenConfigured() {
        start("""
                routes:
                  - name: safe
                    fallback_on: [error, content_filter]
                    rules:
                      - targets: [primary/gpt-4o, backup/gpt-4o]
                """);
        primary.enqueue(FakeUpstream.json(200, "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":\"content_filter\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":0,\"total_tokens\":3}}"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT.formatted("safe"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("echo: hi");
        assertThat(r.headers().firstValue("x-switchboard-provider")).hasValue("backup");
    }

    @Test
    void aFallbackToAnotherVendorGetsAFreshlyTranslatedRequest() {
        start("""
                routes:
                  - name: chat
                    rules:
                      - targets: [primary/gpt-4o, claude/%s]
                """.formatted(FakeAnthropicUpstream.MODEL));
        primary.enqueue(FakeUpstream.error(500, "down"));
        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                "{\"model\":\"chat\",\"max_tokens\":50,\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                        + "{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"object\":\"chat.completion\"");
        assertThat(r.headers().firstValue("x-switchboard-provider")).hasValue("claude");
        var sent = anthropic.lastRequest().json();
        assertThat(sent.get("model").asText()).isEqualTo(FakeAnthropicUpstream.MODEL);
        assertThat(sent.get("system").toString()).contains("be brief"); // Anthropic's shape, not OpenAI's
        assertThat(sent.get("messages").get(0).get("role").asText()).isEqualTo("user");
        assertThat(anthropic.lastRequest().header("x-api-key")).isEqualTo(FakeAnthropicUpstream.API_KEY);
    }
}

package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The response cache against streams that go wrong: a stream that breaks, one that ends with an error event, a
 * content-filter ending, an unfinished second choice, a tool call when tool calls are not cached, a first attempt that
 * fails before its first byte and is retried. Only a clean, whole, cacheable answer is ever replayed.
 */
class ResponseCacheStreamFaultsIT {
    static FakeUpstream openAi;
    static GatewayFixture gateway;
    static int counter;

    @BeforeAll
    static void start() {
        openAi = FakeUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s, models: [gpt-4o] }
                retry: { retries: 1 }
                keys:
                  - { name: tester, key: %s }
                stages:
                  - { type: cache, settings: { ttl: 10m } }
                """.formatted(openAi.baseUrl(), GatewayFixture.UPSTREAM_KEY, GatewayFixture.KEY));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        openAi.close();
    }

    @BeforeEach
    void reset() {
        openAi.reset();
    }

    static String body(String text, String extra) {
        return "{\"model\":\"fake/gpt-4o\",\"temperature\":0,\"stream\":true" + extra
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + " #" + (++counter) + "-" + System.nanoTime() + "\"}]}";
    }

    static HttpResponse<String> post(String body) {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + GatewayFixture.KEY).header("content-type", "application/json")
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static String cache(HttpResponse<String> r) {
        return r.headers().firstValue("x-switchboard-cache").orElse("(none)");
    }

    static String chunk(int choice, String delta, String finish) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":"
                + choice + ",\"delta\":" + delta + ",\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"") + "}]}";
    }

    static final String USAGE = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}";

    static List<String> sse(String... data) {
        return java.util.Arrays.stream(data).map(d -> "data: " + d + "\n\n").toList();
    }

    /** Sends {@code body} with the upstream behaving as given, then again: the second must reach the provider. */
    void neverStored(String body, FakeUpstream.Behavior first) {
        openAi.enqueue(first);
        HttpResponse<String> r = post(body);
        assertThat(cache(r)).isEqualTo("miss");
        HttpResponse<String> again = post(body);
        assertThat(cache(again)).as(r.body()).isEqualTo("miss");
        assertThat(openAi.requests()).hasSize(2);
    }

    @Test
    void aStreamThatBreaksAfterItsLastChoiceFinishedIsNotStored() {
        neverStored(body("breaks", ""), openAi.dropAfter(List.of(chunk(0, "{\"role\":\"assistant\",\"content\":\"half\"}", null),
                chunk(0, "{}", "stop")), Duration.ofMillis(5)));
    }

    @Test
    void aStreamThatEndsWithAnErrorEventIsNotStoredAndTheClientSeesTheError() {
        String body = body("error event", "");
        neverStored(body, openAi.rawStream(sse(chunk(0, "{\"role\":\"assistant\",\"content\":\"half\"}", null),
                "{\"error\":{\"message\":\"overloaded sk-upstream-secret\",\"type\":\"server_error\"}}", "[DONE]"),
                Duration.ofMillis(5)));
        openAi.reset();
        openAi.enqueue(openAi.rawStream(sse(chunk(0, "{\"role\":\"assistant\",\"content\":\"half\"}", null),
                "{\"error\":{\"message\":\"overloaded sk-upstream-secret\",\"type\":\"server_error\"}}", "[DONE]"),
                Duration.ofMillis(5)));
        HttpResponse<String> r = post(body("error event seen", ""));
        assertThat(r.body()).contains("\"error\"").doesNotContain("[DONE]").doesNotContain("sk-upstream-secret");
    }

    @Test
    void aStreamWithAnErrorEventAfterItsFinishIsNotStored() {
        neverStored(body("error event", ""), openAi.rawStream(sse(chunk(0, "{\"role\":\"assistant\",\"content\":\"half\"}", null),
                chunk(0, "{}", "stop"), "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}", "[DONE]"),
                Duration.ofMillis(5)));
    }

    @Test
    void aContentFilterEndingIsNotStored() {
        neverStored(body("filtered", ""), openAi.rawStream(sse(chunk(0, "{\"role\":\"assistant\",\"content\":\"no\"}", null),
                chunk(0, "{}", "content_filter"), USAGE, "[DONE]"), Duration.ofMillis(5)));
    }

    @Test
    void anAnswerWithAnUnfinishedChoiceIsNotStored() {
        neverStored(body("two choices", ",\"n\":2"), openAi.rawStream(sse(chunk(0, "{\"role\":\"assistant\",\"content\":\"one\"}", null),
                chunk(1, "{\"role\":\"assistant\",\"content\":\"two\"}", null), chunk(0, "{}", "stop"), USAGE, "[DONE]"),
                Duration.ofMillis(5)));
    }

    @Test
    void aToolCallIsNotStoredWhenToolCallsAreNotCached() {
        neverStored(body("call a tool", ""), openAi.rawStream(sse(
                chunk(0, "{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}", null),
                chunk(0, "{}", "tool_calls"), USAGE, "[DONE]"), Duration.ofMillis(5)));
    }

    @Test
    void aRetriedStreamStoresOnlyTheAttemptThatAnswered() {
        String body = body("retried", "");
        openAi.enqueue(FakeUpstream.error(503, "busy")); // before any byte: retried
        HttpResponse<String> r = post(body);
        assertThat(r.statusCode()).isEqualTo(200);
        HttpResponse<String> hit = post(body);
        assertThat(cache(hit)).isEqualTo("hit");
        assertThat(text(hit.body())).isEqualTo(text(r.body())).startsWith("echo: ");
    }

    /** The text of an OpenAI stream's content deltas. */
    static String text(String sse) {
        StringBuilder out = new StringBuilder();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: {")) {
                try {
                    var node = StagesIT.JSON.readTree(line.substring(6));
                    node.path("choices").forEach(c -> out.append(c.path("delta").path("content").asText("")));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out.toString();
    }
}

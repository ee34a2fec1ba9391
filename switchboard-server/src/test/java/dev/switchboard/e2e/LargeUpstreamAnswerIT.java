package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A whole (non-stream) answer is gathered only up to the provider's {@code max_response_body}: past it the call ends
 * with a 502 in the caller's dialect and the upstream request is closed, instead of the gateway holding any size.
 */
class LargeUpstreamAnswerIT {
    static final String CHAT = "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String MESSAGES = "{\"model\":\"smart\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.withYaml(GatewayFixture.defaultYaml(upstream, "    max_response_body: 256KiB"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    /** A valid chat completion padded to about {@code bytes}, sent with content-length or chunked. */
    static FakeUpstream.Behavior answerOf(int bytes, boolean chunked) {
        String head = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"";
        String tail = "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";
        String body = head + "x".repeat(Math.max(0, bytes - head.length() - tail.length())) + tail;
        return (req, b) -> {
            HttpServerResponse res = req.response().putHeader("content-type", "application/json");
            if (!chunked) {
                res.end(body);
                return;
            }
            res.setChunked(true);
            for (int i = 0; i < body.length(); i += 16 * 1024) {
                res.write(body.substring(i, Math.min(body.length(), i + 16 * 1024)));
            }
            res.end();
        };
    }

    @Test
    void theNativeAnthropicPathIsBoundedToo() {
        try (FakeAnthropicUpstream anthropic = FakeAnthropicUpstream.start();
             GatewayFixture native_ = GatewayFixture.withYaml(anthropic.gatewayYaml()
                     .replace("    models: [", "    max_response_body: 256KiB\n    models: ["))) {
            String big = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + FakeAnthropicUpstream.MODEL
                    + "\",\"content\":[{\"type\":\"text\",\"text\":\"" + "x".repeat(1024 * 1024) + "\"}],\"stop_reason\":\"end_turn\","
                    + "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}";
            anthropic.enqueue((req, json) -> req.response().putHeader("content-type", "application/json").end(big));
            HttpResponse<String> r = native_.send(HttpRequest.newBuilder(URI.create(native_.baseUrl() + "/v1/messages"))
                    .header("x-api-key", GatewayFixture.KEY).header("anthropic-version", "2023-06-01")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(MESSAGES.replace("smart", "sonnet"))).build());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
            assertThat(r.body()).startsWith("{\"type\":\"error\"").contains("max_response_body").doesNotContain("xxxx");
        }
    }

    @Test
    void anAnswerUnderTheLimitIsRelayed() {
        upstream.enqueue(answerOf(200 * 1024, true));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().length()).isGreaterThan(200 * 1024 - 100);
    }

    @Test
    void anAnswerOverTheLimitIsA502InTheOpenAiShape() {
        upstream.enqueue(answerOf(4 * 1024 * 1024, false));
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT);
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("\"code\":\"upstream_error\"").contains("max_response_body").doesNotContain("xxxx");
    }

    @Test
    void aChunkedAnswerOverTheLimitIsA502InTheAnthropicShape() {
        upstream.enqueue(answerOf(4 * 1024 * 1024, true));
        HttpResponse<String> r = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/messages"))
                .header("x-api-key", GatewayFixture.KEY).header("anthropic-version", "2023-06-01")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(MESSAGES)).build());
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).startsWith("{\"type\":\"error\"").contains("max_response_body").doesNotContain("xxxx");
        // the gateway still answers normally afterwards
        assertThat(gateway.post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
    }
}

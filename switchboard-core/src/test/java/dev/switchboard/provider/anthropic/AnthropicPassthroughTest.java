package dev.switchboard.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.provider.NativePassthrough;
import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.sse.SseEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Anthropic adapter offers its byte pass-through to Anthropic clients only, behind {@link NativePassthrough}. */
class AnthropicPassthroughTest {
    static final String BODY = "{\"model\":\"smart\", \"top_k\":5,\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    final AnthropicChatAdapter adapter = new AnthropicChatAdapter();

    @Test
    void onlyAnAnthropicClientGetsThePassthrough() {
        assertThat(adapter.passthrough("openai", AnthropicFixtures.ENDPOINT)).isNull();
        assertThat(adapter.passthrough("anthropic", AnthropicFixtures.ENDPOINT)).isNotNull();
    }

    @Test
    void theClientsBytesGoUpWithTheModelReplacedAndItsVersionAndBetaHeaders() {
        NativePassthrough p = adapter.passthrough("anthropic", AnthropicFixtures.ENDPOINT);
        Map<String, List<String>> client = Map.of("anthropic-beta", List.of("a-1", "b-2"),
                "anthropic-version", List.of("2023-06-01", "2099-01-01"), "authorization", List.of("Bearer client"));

        UpstreamRequest up = p.toUpstream(BODY.getBytes(StandardCharsets.UTF_8), "claude-sonnet-4",
                name -> client.getOrDefault(name, List.of()));

        assertThat(new String(up.body(), StandardCharsets.UTF_8)).isEqualTo(BODY.replace("\"smart\"", "\"claude-sonnet-4\""));
        assertThat(up.url()).endsWith("/messages");
        assertThat(up.headers()).containsEntry("anthropic-beta", "a-1,b-2").containsEntry("anthropic-version", "2023-06-01")
                .doesNotContainKey("authorization");
    }

    @Test
    void answersAndErrorsAreReadNotChanged() {
        NativePassthrough p = adapter.passthrough("anthropic", AnthropicFixtures.ENDPOINT);

        assertThat(p.usage("{\"usage\":{\"input_tokens\":4,\"output_tokens\":2}}".getBytes(StandardCharsets.UTF_8))
                .completionTokens()).isEqualTo(2);
        assertThat(p.usage("not json".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(p.relayableError("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"x\"}}"
                .getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(p.relayableError("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"x\"}}"
                .getBytes(StandardCharsets.UTF_8))).isFalse();

        NativePassthrough.StreamWatcher w = p.newStreamWatcher();
        w.onEvent(new SseEvent("message_start", "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":4,\"output_tokens\":1}}}", null));
        w.onEvent(new SseEvent("message_stop", "{\"type\":\"message_stop\"}", null));
        assertThat(w.completed()).isTrue();
        assertThat(w.usage().promptTokens()).isEqualTo(4);
        assertThat(w.error()).isNull();
    }
}

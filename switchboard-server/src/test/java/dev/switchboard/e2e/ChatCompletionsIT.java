package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Chat completions through the gateway with the official OpenAI SDK. */
class ChatCompletionsIT {
    static FakeUpstream upstream;
    static GatewayFixture gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.openAi(upstream);
        client = gateway.openAiClient();
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
    void nonStreamChatReachesUpstreamWithProviderKeyAndModelName() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("fake/gpt-4o")
                .addUserMessage("hello")
                .build());

        assertThat(c.choices().get(0).message().content()).contains("echo: hello");
        RecordedRequest seen = upstream.lastRequest();
        assertThat(seen.path()).isEqualTo("/v1/chat/completions");
        assertThat(seen.json().path("model").asText()).isEqualTo("gpt-4o");
        assertThat(seen.header("authorization")).isEqualTo("Bearer " + GatewayFixture.UPSTREAM_KEY);
        assertThat(seen.body()).doesNotContain(GatewayFixture.KEY);
        seen.headers().values().forEach(v -> assertThat(String.join(",", v)).doesNotContain(GatewayFixture.KEY));
    }
}

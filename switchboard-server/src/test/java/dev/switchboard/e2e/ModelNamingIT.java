package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
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

/** Public model names: {@code provider/model} and configured aliases, resolved to a provider and its model name. */
class ModelNamingIT {
    static FakeUpstream upstream;
    static FakeUpstream other;
    static GatewayFixture gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        other = FakeUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s }
                  - { name: other, type: openai-compatible, base_url: %s, api_key: other-upstream-key }
                models:
                  - { name: smart, target: fake/gpt-4o }
                  - { name: fast, target: other/gpt-4o-mini }
                  - { name: llama, target: other/meta-llama/Llama-3.3-70B-Instruct }
                keys:
                  - { name: tester, key: %s }
                """.formatted(upstream.baseUrl(), GatewayFixture.UPSTREAM_KEY, other.baseUrl(), GatewayFixture.KEY));
        client = gateway.openAiClient();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
        other.close();
    }

    @BeforeEach
    void clear() {
        upstream.reset();
        other.reset();
        gateway.usage().clear();
    }

    static ChatCompletion chat(String model) {
        return client.chat().completions().create(ChatCompletionCreateParams.builder().model(model).addUserMessage("hi").build());
    }

    @Test
    void providerSlashModelSendsTheRestAsTheUpstreamModel() {
        ChatCompletion c = chat("fake/gpt-4o");

        assertThat(c.model()).isEqualTo("gpt-4o");
        assertThat(upstream.lastRequest().json().path("model").asText()).isEqualTo("gpt-4o");
        assertThat(other.requests()).isEmpty();
    }

    @Test
    void theFirstSlashSeparatesProviderFromAModelNameContainingSlashes() {
        chat("other/Qwen/Qwen2.5-72B-Instruct");

        assertThat(other.lastRequest().json().path("model").asText()).isEqualTo("Qwen/Qwen2.5-72B-Instruct");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void anAliasResolvesToItsTarget() {
        ChatCompletion c = chat("smart");

        assertThat(c.choices().get(0).message().content()).hasValue("echo: hi");
        assertThat(upstream.lastRequest().json().path("model").asText()).isEqualTo("gpt-4o");
        assertThat(upstream.lastRequest().header("authorization")).isEqualTo("Bearer " + GatewayFixture.UPSTREAM_KEY);
    }

    @Test
    void aliasesRouteToDifferentProviders() {
        chat("fast");
        chat("llama");

        assertThat(other.requests()).extracting(r -> r.json().path("model").asText())
                .containsExactly("gpt-4o-mini", "meta-llama/Llama-3.3-70B-Instruct");
        assertThat(other.lastRequest().header("authorization")).isEqualTo("Bearer other-upstream-key");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void aStreamedAliasUsesTheUpstreamModel() {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("smart").addUserMessage("stream me").build())) {
            s.stream().forEach(ch -> ch.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        }

        assertThat(text.toString()).isEqualTo("echo: stream me");
        assertThat(upstream.lastRequest().json().path("model").asText()).isEqualTo("gpt-4o");
    }

    @Test
    void responseHeadersAndUsageNameTheResolvedProviderAndModel() {
        HttpResponse<String> res = gateway.post("/v1/chat/completions",
                "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-switchboard-provider")).hasValue("fake");
        assertThat(res.headers().firstValue("x-switchboard-model")).hasValue("gpt-4o");
        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(5)).get(0);
        assertThat(e.publicModel()).isEqualTo("smart");
        assertThat(e.provider()).isEqualTo("fake");
        assertThat(e.upstreamModel()).isEqualTo("gpt-4o");
    }

    @Test
    void usageOfAProviderModelNameKeepsTheNameTheClientUsed() {
        chat("other/gpt-4o-mini");

        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(5)).get(0);
        assertThat(e.publicModel()).isEqualTo("other/gpt-4o-mini");
        assertThat(e.provider()).isEqualTo("other");
        assertThat(e.upstreamModel()).isEqualTo("gpt-4o-mini");
    }
}

package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RecordedRequest;
import dev.switchboard.usage.UsageEvent;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code semantic.embedder.model} names a route like a client would ({@code dynamic/<route>}): the route's first
 * target is a dead provider, so the embeddings fall back to the next, as a client's {@code /v1/embeddings} would, and
 * the configured {@code dimensions} are asked of the provider.
 */
class ProviderEmbedderRouteIT {
    static final String EMB_KEY = "sk-route-embeddings-secret-321";
    static FakeUpstream chat;
    static FakeUpstream embeddings;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        chat = FakeUpstream.start();
        embeddings = FakeUpstream.start();
        embeddings.answerWith((req, body) -> {
            float[] v = java.util.Arrays.copyOf(ProviderEmbedderIT.vector(
                    new io.vertx.core.json.JsonObject(body).getString("input")), 256);
            v[0] += 1; // the topic may lie past 256: keep every vector off zero
            req.response().putHeader("content-type", "application/json")
                    .end(ProviderEmbedderIT.answer(ProviderEmbedderIT.numbers(v)));
        });
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s, models: [gpt-4o] }
                  - { name: dead, type: openai, base_url: "http://127.0.0.1:1/v1", api_key: sk-dead, models: [text-embedding-3-large] }
                  - { name: emb, type: openai, base_url: %s, api_key: %s, models: [text-embedding-3-large] }
                keys:
                  - { name: tester, key: %s }
                routes:
                  - name: embed
                    rules:
                      - targets: [dead/text-embedding-3-large, emb/text-embedding-3-large]
                stages:
                  - type: cache
                    settings:
                      semantic:
                        threshold: 0.9
                        embedder: { model: dynamic/embed, dimensions: 256 }
                """.formatted(chat.baseUrl(), GatewayFixture.UPSTREAM_KEY, embeddings.baseUrl(), EMB_KEY,
                GatewayFixture.KEY));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        chat.close();
        embeddings.close();
    }

    static HttpResponseFor<ChatCompletion> ask(String question) {
        return gateway.openAiClient().chat().completions().withRawResponse().create(ChatCompletionCreateParams.builder()
                .model("fake/gpt-4o").temperature(0).addUserMessage(question).build());
    }

    @Test
    void aRouteWithADeadFirstTargetEmbedsThroughTheNextAndAParaphraseHits() throws Exception {
        assertThat(ask("How do I reverse a string in Rust?").headers().values("x-switchboard-cache")).containsExactly("miss");
        RecordedRequest e = embeddings.lastRequest();
        assertThat(e.header("authorization")).isEqualTo("Bearer " + EMB_KEY);
        assertThat(e.json().path("model").asText()).isEqualTo("text-embedding-3-large");
        assertThat(e.json().path("dimensions").asInt()).as("configured: asked for").isEqualTo(256);
        Thread.sleep(300);
        int chats = chat.requests().size();
        HttpResponseFor<ChatCompletion> para = ask("How can I reverse a string in Rust?");
        assertThat(para.headers().values("x-switchboard-cache")).containsExactly("semantic-hit");
        assertThat(chat.requests()).hasSize(chats);
        List<UsageEvent> internal = gateway.usage().events().stream()
                .filter(u -> "switchboard:semantic-cache".equals(u.keyName())).toList();
        assertThat(internal).allSatisfy(u -> {
            assertThat(u.provider()).as("served by the route's second target").isEqualTo("emb");
            assertThat(u.status()).isEqualTo(200);
        });
    }
}

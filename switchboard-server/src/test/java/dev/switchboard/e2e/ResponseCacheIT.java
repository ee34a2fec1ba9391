package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
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
import org.junit.jupiter.api.Test;

/**
 * The exact response cache as a stage, in process: a repeated request is answered once by the provider and then from
 * the cache, whole or streamed, through the official SDKs of both dialects; anything that changes the answer is a
 * miss; tenants never share; errors are never stored; the client's Cache-Control and TTL are honoured; a hit is
 * recorded with its tokens and no cost.
 */
class ResponseCacheIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String OTHER_KEY = "sk-cache-other-tenant-1";
    static final String TEAM_A = "sk-cache-team-a-member-1";
    static final String TEAM_B = "sk-cache-team-a-member-2";
    static final String CLAUDE = "claude/" + FakeAnthropicUpstream.MODEL;
    static FakeUpstream openAi;
    static FakeAnthropicUpstream anthropic;
    static GatewayFixture gateway;
    static AnthropicClient anthropicClient;
    static int counter;

    @BeforeAll
    static void start() {
        openAi = FakeUpstream.start();
        anthropic = FakeAnthropicUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 2 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s, models: [gpt-4o] }
                  - { name: claude, type: anthropic, base_url: %s, api_key: %s, models: [%s] }
                keys:
                  - { name: tester, key: %s }
                  - { name: other, key: %s }
                  - { name: a1, key: %s, team: research, stages: [{ type: cache, name: team-cache, settings: { namespace: team, cache_sampled: true } }] }
                  - { name: a2, key: %s, team: research, stages: [{ type: cache, name: team-cache, settings: { namespace: team, cache_sampled: true } }] }
                stages:
                  - { type: cache, settings: { ttl: 10m, cache_sampled: true } }
                """.formatted(openAi.baseUrl(), GatewayFixture.UPSTREAM_KEY, anthropic.baseUrl(), FakeAnthropicUpstream.API_KEY,
                FakeAnthropicUpstream.MODEL, GatewayFixture.KEY, OTHER_KEY, TEAM_A, TEAM_B));
        anthropicClient = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey(GatewayFixture.KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        anthropicClient.close();
        gateway.close();
        anthropic.close();
        openAi.close();
    }

    @BeforeEach
    void reset() {
        openAi.reset();
        anthropic.reset();
        gateway.usage().clear();
    }

    /** A prompt no other test uses: the cache lives as long as the gateway. */
    static String fresh(String text) {
        return text + " #" + (++counter) + "-" + System.nanoTime();
    }

    static String chat(String text, String extra) {
        return "{\"model\":\"fake/gpt-4o\",\"temperature\":0" + extra + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + text + "\"}]}";
    }

    static HttpResponse<String> post(String key, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return gateway.send(b.build());
    }

    static String content(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("choices").path(0).path("message").path("content").asText();
    }

    static String cache(HttpResponse<String> r) {
        return r.headers().firstValue("x-switchboard-cache").orElse("(none)");
    }

    @Test
    void aRepeatedRequestIsAnsweredOnceByTheProviderThroughTheOpenAiSdk() {
        OpenAIClient client = gateway.openAiClient();
        String prompt = fresh("what is the capital of France");
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("fake/gpt-4o")
                .temperature(0.0).addUserMessage(prompt).build();
        String first = client.chat().completions().create(params).choices().get(0).message().content().orElseThrow();
        String second = client.chat().completions().create(params).choices().get(0).message().content().orElseThrow();
        assertThat(second).isEqualTo(first).isEqualTo("echo: " + prompt);
        assertThat(openAi.requests()).hasSize(1);
        StringBuilder streamed = new StringBuilder();
        try (var s = client.chat().completions().createStreaming(params)) { // a whole answer replayed as a stream
            s.stream().forEach(ch -> ch.choices().forEach(c -> c.delta().content().ifPresent(streamed::append)));
        }
        assertThat(streamed.toString()).isEqualTo(first);
        assertThat(openAi.requests()).hasSize(1);
    }

    @Test
    void aStreamedAnswerServesALaterWholeRequestAndBothDialectsAreServed() throws Exception {
        String prompt = fresh("tell me a story");
        MessageCreateParams params = MessageCreateParams.builder().model(CLAUDE).maxTokens(64)
                .addUserMessage(prompt).build();
        String streamed = AnthropicSdkIT.text(AnthropicSdkIT.stream(anthropicClient, params));
        String whole = AnthropicSdkIT.text(anthropicClient.messages().create(params).validate());
        String again = AnthropicSdkIT.text(AnthropicSdkIT.stream(anthropicClient, params));
        assertThat(whole).isEqualTo(streamed).isEqualTo(again).isEqualTo("echo: " + prompt);
        assertThat(anthropic.requests()).hasSize(1);
        // the usage of a hit is the stored answer's, recorded without cost
        List<UsageEvent> usage = gateway.usage().awaitEvents(3, Duration.ofSeconds(5));
        assertThat(usage).hasSize(3);
        assertThat(usage.get(1).usage().completionTokens()).isEqualTo(usage.get(0).usage().completionTokens()).isPositive();
        assertThat(usage.get(1).costUsd()).isZero();
        assertThat(usage.get(2).costUsd()).isZero();
    }

    @Test
    void theCacheHeaderSaysHitMissOrBypassAndTheAge() throws Exception {
        String body = chat(fresh("hello"), "");
        HttpResponse<String> miss = post(GatewayFixture.KEY, body);
        HttpResponse<String> hit = post(GatewayFixture.KEY, body);
        assertThat(cache(miss)).isEqualTo("miss");
        assertThat(cache(hit)).isEqualTo("hit");
        assertThat(hit.headers().firstValue("x-switchboard-cache-age")).isPresent();
        assertThat(content(hit)).isEqualTo(content(miss));
        assertThat(JSON.readTree(hit.body()).path("usage").path("total_tokens").asInt())
                .isEqualTo(JSON.readTree(miss.body()).path("usage").path("total_tokens").asInt());
    }

    @Test
    void anythingThatChangesTheAnswerIsAMiss() throws Exception {
        String text = fresh("the same words");
        post(GatewayFixture.KEY, chat(text, ""));
        assertThat(cache(post(GatewayFixture.KEY, chat(text, ",\"max_tokens\":5")))).isEqualTo("miss");
        assertThat(cache(post(GatewayFixture.KEY, chat(text, ",\"seed\":7")))).isEqualTo("miss");
        assertThat(cache(post(GatewayFixture.KEY, chat(text + "?", "")))).isEqualTo("miss");
        assertThat(cache(post(GatewayFixture.KEY, chat(text, ",\"stop\":[\"x\"]")))).isEqualTo("miss");
        // key order and whitespace are not the answer's business
        String reordered = "{ \"messages\" : [ {\"content\":\"" + text + "\", \"role\":\"user\"} ], \"temperature\": 0.0, \"model\":\"fake/gpt-4o\" }";
        assertThat(cache(post(GatewayFixture.KEY, reordered))).isEqualTo("hit");
        assertThat(openAi.requests()).hasSize(5);
    }

    @Test
    void tenantsNeverShareButATeamNamespaceDoes() throws Exception {
        String body = chat(fresh("a secret of mine"), "");
        post(GatewayFixture.KEY, body);
        assertThat(cache(post(OTHER_KEY, body))).isEqualTo("miss");
        assertThat(openAi.requests()).hasSize(2);
        String teamBody = chat(fresh("team knowledge"), "");
        post(TEAM_A, teamBody);
        assertThat(cache(post(TEAM_B, teamBody))).as("the team's namespace").isEqualTo("hit");
        assertThat(cache(post(GatewayFixture.KEY, teamBody))).as("not the team's").isEqualTo("miss");
    }

    @Test
    void errorsAreNeverStored() throws Exception {
        String body = chat(fresh("fails first"), "");
        openAi.enqueue(FakeUpstream.error(500, "upstream broke"));
        assertThat(post(GatewayFixture.KEY, body).statusCode()).isGreaterThanOrEqualTo(500);
        HttpResponse<String> second = post(GatewayFixture.KEY, body);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(cache(second)).isEqualTo("miss");
        assertThat(cache(post(GatewayFixture.KEY, body))).isEqualTo("hit");
    }

    @Test
    void noStoreNoCacheAndAShorterTtlAreHonoured() throws Exception {
        String body = chat(fresh("controls"), "");
        assertThat(cache(post(GatewayFixture.KEY, body, "cache-control", "no-store"))).isEqualTo("bypass");
        assertThat(cache(post(GatewayFixture.KEY, body))).as("no-store kept nothing").isEqualTo("miss");
        assertThat(cache(post(GatewayFixture.KEY, body, "cache-control", "no-cache"))).as("no lookup").isEqualTo("miss");
        assertThat(openAi.requests()).hasSize(3);
        assertThat(cache(post(GatewayFixture.KEY, body))).isEqualTo("hit");

        String shortLived = chat(fresh("short lived"), "");
        post(GatewayFixture.KEY, shortLived, "x-switchboard-cache-ttl", "1");
        assertThat(cache(post(GatewayFixture.KEY, shortLived))).isEqualTo("hit");
        Thread.sleep(1300);
        assertThat(cache(post(GatewayFixture.KEY, shortLived))).as("expired").isEqualTo("miss");
    }

    @Test
    void hostileCacheHeadersAreIgnoredNotErrors() throws Exception {
        String body = chat(fresh("hostile headers"), "");
        assertThat(post(GatewayFixture.KEY, body, "cache-control", "x".repeat(4000), "x-switchboard-cache-ttl", "-5").statusCode())
                .isEqualTo(200);
        assertThat(post(GatewayFixture.KEY, body, "x-switchboard-cache-ttl", "99999999999999999999").statusCode()).isEqualTo(200);
        assertThat(cache(post(GatewayFixture.KEY, body, "x-switchboard-cache-ttl", "1e9"))).isEqualTo("hit");
    }

    @Test
    void aLargeRequestIsKeyedOffTheEventLoopAndStillHits() throws Exception {
        String big = fresh("big") + " " + "lorem ipsum dolor sit amet ".repeat(4000); // ~100 KiB
        String body = chat(big, "");
        assertThat(cache(post(GatewayFixture.KEY, body))).isEqualTo("miss");
        assertThat(cache(post(GatewayFixture.KEY, body))).isEqualTo("hit");
    }

    @Test
    void sampledRequestsBypassUnlessConfigured() throws Exception {
        // the global stage allows sampled requests; this one asks for logprobs, which a replay cannot carry
        String body = chat(fresh("with logprobs"), ",\"logprobs\":true");
        assertThat(cache(post(GatewayFixture.KEY, body))).isEqualTo("bypass");
        JsonNode answer = JSON.readTree(post(GatewayFixture.KEY, body).body());
        assertThat(answer.path("choices").isArray()).isTrue();
        assertThat(openAi.requests()).hasSize(2);
    }
}

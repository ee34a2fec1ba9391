package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.usage.UsageEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stages under a burst and a bad day: hundreds of concurrent calls whose stage answers from another thread each get
 * their own answer on two gateways; a client that leaves while a slow stage decides is recorded as 499 and its
 * stage still hears the outcome; a stage rewrite of hundreds of concurrent calls reaches the upstream intact.
 */
class StagesBurstIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ECHO_KEY = "sk-stage-echo-key-1";
    static final String SLOW_KEY = "sk-stage-slow-key-1";
    static final String REWRITE_KEY = "sk-stage-rewrite-key-1";
    static FakeUpstream upstream;
    static GatewayFixture one;
    static GatewayFixture two;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        String yaml = """
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 2 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s, models: [gpt-4o] }
                keys:
                  - { name: echo, key: %s, stages: [{ type: test_answer, settings: { text: echo } }] }
                  - { name: slow, key: %s, stages: [{ type: test_journal, name: outer }, { type: test_answer, settings: { text: late, delay_ms: 1500 } }] }
                  - { name: rewrite, key: %s, stages: [{ type: test_rewrite, settings: { find: secret, replace: "[x]" } }] }
                """.formatted(upstream.baseUrl(), GatewayFixture.UPSTREAM_KEY, ECHO_KEY, SLOW_KEY, REWRITE_KEY);
        one = GatewayFixture.withYaml(yaml);
        two = GatewayFixture.withYaml(yaml);
    }

    @AfterAll
    static void stop() {
        one.close();
        two.close();
        upstream.close();
    }

    static HttpRequest chat(GatewayFixture g, String key, String text) {
        return HttpRequest.newBuilder(URI.create(g.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"fake/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + text + "\"}]}")).build();
    }

    @Test
    void aBurstOfStageAnswersGivesEachCallerItsOwn() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            sent.add(http.sendAsync(chat(i % 2 == 0 ? one : two, ECHO_KEY, "caller-" + i), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < sent.size(); i++) {
            HttpResponse<String> r = sent.get(i).get();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).path("choices").path(0).path("message").path("content").asText())
                    .isEqualTo("stage: caller-" + i);
        }
        assertThat(upstream.requests()).isEmpty();
        assertThat(one.usage().awaitEvents(200, Duration.ofSeconds(10))).hasSize(200);
        assertThat(two.usage().awaitEvents(200, Duration.ofSeconds(10))).hasSize(200);
    }

    @Test
    void aRewriteUnderABurstReachesTheUpstreamIntact() throws Exception {
        upstream.reset();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add(http.sendAsync(chat(one, REWRITE_KEY, "secret number " + i), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < sent.size(); i++) {
            HttpResponse<String> r = sent.get(i).get();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).path("choices").path(0).path("message").path("content").asText())
                    .isEqualTo("echo: [x] number " + i);
        }
        assertThat(upstream.requests()).hasSize(200).allSatisfy(req -> assertThat(req.body()).doesNotContain("secret"));
    }

    @Test
    void aClientThatLeavesWhileAStageDecidesIsRecordedAs499() throws Exception {
        two.usage().clear();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        CompletableFuture<HttpResponse<String>> pending = http.sendAsync(chat(two, SLOW_KEY, "bye"), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(300);
        pending.cancel(true); // the JDK client closes the connection
        http.close();
        List<UsageEvent> events = two.usage().awaitEvents(1, Duration.ofSeconds(5));
        assertThat(events).hasSize(1);
        assertThat(events.get(0).status()).isEqualTo(499);
        assertThat(upstream.requests()).noneMatch(r -> r.body().contains("bye"));
    }
}

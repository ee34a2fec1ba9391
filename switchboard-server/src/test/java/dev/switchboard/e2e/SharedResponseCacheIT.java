package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RedisProcess;
import dev.switchboard.testing.TwoGateways;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The response cache shared by instances through one real Redis: an answer stored through one gateway is a hit on
 * the other, a burst over both is answered upstream once per prompt and then from Redis, and with Redis stopped or
 * frozen every request is still served (from the provider), never an error.
 */
class SharedResponseCacheIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static TwoGateways pair;
    static FakeUpstream upstream;
    static RedisProcess redis;
    static GatewayFixture one;
    static GatewayFixture two;
    static int counter;

    @BeforeAll
    static void start() {
        pair = TwoGateways.start("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 2 }
                providers:
                  - { name: fake, type: openai, base_url: %1$s, api_key: %2$s, models: [gpt-4o] }
                keys:
                  - { name: tester, key: %3$s }
                stages:
                  - { type: cache, settings: { backend: redis, url: "%4$s", ttl: 5m, timeout: 1s } }
                """, "");
        upstream = pair.upstream;
        redis = pair.redis;
        one = pair.one;
        two = pair.two;
    }

    @AfterAll
    static void stop() {
        pair.close();
    }

    static String body(String text) {
        return "{\"model\":\"fake/gpt-4o\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    static HttpRequest request(GatewayFixture g, String body) {
        return HttpRequest.newBuilder(URI.create(g.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + GatewayFixture.KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static String cache(HttpResponse<String> r) {
        return r.headers().firstValue("x-switchboard-cache").orElse("(none)");
    }

    @Test
    void anAnswerStoredThroughOneInstanceIsAHitOnTheOther() throws Exception {
        upstream.reset();
        String b = body("shared " + (++counter) + " " + System.nanoTime());
        HttpResponse<String> first = one.send(request(one, b));
        HttpResponse<String> second = two.send(request(two, b));
        assertThat(cache(first)).isEqualTo("miss");
        assertThat(cache(second)).isEqualTo("hit");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(upstream.requests()).hasSize(1);
    }

    @Test
    void aBurstOverBothInstancesGoesUpstreamOncePerPromptOnceStored() throws Exception {
        upstream.reset();
        String tag = "burst " + (++counter) + " " + System.nanoTime();
        for (int p = 0; p < 10; p++) { // store ten prompts
            one.send(request(one, body(tag + " " + p)));
        }
        for (int i = 0; i < 100 && !cache(two.send(request(two, body(tag + " 9")))).equals("hit"); i++) {
            Thread.sleep(20); // the last one's write may still be on its way to Redis
        }
        upstream.reset();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            GatewayFixture g = i % 2 == 0 ? one : two;
            sent.add(http.sendAsync(request(g, body(tag + " " + (i % 10))), HttpResponse.BodyHandlers.ofString()));
        }
        int hits = 0;
        for (int i = 0; i < sent.size(); i++) {
            HttpResponse<String> r = sent.get(i).get();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).path("choices").path(0).path("message").path("content").asText())
                    .isEqualTo("echo: " + tag + " " + (i % 10));
            hits += cache(r).equals("hit") ? 1 : 0;
        }
        // a lookup slower than the store's timeout is a miss (served upstream), never a wait or an error: every miss,
        // and only a miss, went upstream
        assertThat(upstream.requests()).hasSize(sent.size() - hits);
        assertThat(hits).as("hits of 300").isGreaterThan(150);
    }

    @Test
    void withRedisFrozenOrStoppedEveryRequestIsStillServed() throws Exception {
        String b = body("redis away " + (++counter) + " " + System.nanoTime());
        redis.pause();
        try {
            HttpResponse<String> r = one.send(request(one, b));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(cache(r)).isEqualTo("miss");
        } finally {
            redis.resume();
        }
        redis.stop();
        try {
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = two.send(request(two, b));
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(cache(r)).isEqualTo("miss");
            }
        } finally {
            redis.start();
        }
    }
}

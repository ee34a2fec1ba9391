package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code providers[].max_connections}: once that many calls to a provider are in flight, further calls are refused
 * at once with 503 and {@code retry-after}, in the caller's dialect (never queued until they time out), and the
 * metrics show the connections in use and the refusals.
 */
class ProviderConnectionCapIT {
    static final String STREAM = "{\"model\":\"smart\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String MESSAGES = "{\"model\":\"smart\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    FakeUpstream upstream;
    GatewayFixture gateway;
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.withYaml(GatewayFixture.defaultYaml(upstream, "    max_connections: 4"));
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void callsOverTheCapAreRefusedPromptlyWith503AndRetryAfterAndTheMetricShowsIt() throws Exception {
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            chunks.add("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"content\":\"w" + i + " \"},\"finish_reason\":null}]}\n\n");
        }
        chunks.add("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
                + "\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
        for (int i = 0; i < 4; i++) {
            upstream.enqueue(upstream.rawStream(chunks, Duration.ofMillis(250))); // ~5 s each
        }
        List<CompletableFuture<HttpResponse<String>>> first = IntStream.range(0, 4)
                .mapToObj(i -> send("/v1/chat/completions", STREAM)).toList();
        awaitUntil(() -> upstream.requests().size() == 4, "the first four streams reach the upstream");
        assertThat(scrape()).contains("switchboard_upstream_connections_in_use{gen_ai_provider_name=\"fake\"} 4.0");

        long t0 = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> more = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            more.add(i % 2 == 0 ? send("/v1/chat/completions", STREAM) : send("/v1/messages", MESSAGES));
        }
        List<Long> refusedAfterMillis = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < more.size(); i++) {
            HttpResponse<String> r = more.get(i).get();
            refusedAfterMillis.add((System.nanoTime() - t0) / 1_000_000);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.headers().firstValue("retry-after")).hasValue("1");
            if (i % 2 == 0) {
                assertThat(r.body()).contains("\"code\":\"upstream_overloaded\"").contains("connection limit");
            } else {
                assertThat(r.body()).contains("\"type\":\"error\"").contains("connection limit"); // Anthropic's shape
            }
        }
        assertThat(Collections.max(refusedAfterMillis)).as("refused at once, not after a wait").isLessThan(1500);
        assertThat(upstream.requests()).as("nothing over the cap reached the provider").hasSize(4);
        for (CompletableFuture<HttpResponse<String>> f : first) {
            HttpResponse<String> r = f.get();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("w19").contains("[DONE]");
        }
        assertThat(scrape())
                .contains("switchboard_upstream_connections_refused_total{gen_ai_provider_name=\"fake\"} 8.0")
                .contains("switchboard_upstream_connections_in_use{gen_ai_provider_name=\"fake\"} 0.0")
                .contains("switchboard_breaker_state{gen_ai_provider_name=\"fake\",target=\"fake/gpt-4o\"} 0.0");

        // the slots were given back: the next call goes through
        HttpResponse<String> after = send("/v1/chat/completions", STREAM).get();
        assertThat(after.statusCode()).isEqualTo(200);
    }

    @Test
    void aRouteFallsBackPastASaturatedTargetWithoutBlamingIt() throws Exception {
        try (FakeUpstream backup = FakeUpstream.start();
             GatewayFixture routed = GatewayFixture.withYaml("""
                     version: 1
                     server: { listen: 127.0.0.1:0, event_loops: 1 }
                     providers:
                       - { name: primary, type: openai, base_url: %s, api_key: k, max_connections: 1 }
                       - { name: backup, type: openai, base_url: %s, api_key: k }
                     keys:
                       - { name: tester, key: %s }
                     breaker: { consecutive_failures: 1, cooldown: 60s }
                     routes:
                       - name: smart
                         rules:
                           - targets: [primary/gpt-4o, backup/gpt-4o]
                     """.formatted(upstream.baseUrl(), backup.baseUrl(), GatewayFixture.KEY))) {
            upstream.enqueue(upstream.delayed(Duration.ofSeconds(3)));
            CompletableFuture<HttpResponse<String>> held = send(routed, "/v1/chat/completions", STREAM);
            awaitUntil(() -> upstream.requests().size() == 1, "the first call reaches the primary");
            HttpResponse<String> second = send(routed, "/v1/chat/completions", STREAM).get();
            assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
            assertThat(second.headers().firstValue("x-switchboard-provider")).hasValue("backup");
            assertThat(held.get().headers().firstValue("x-switchboard-provider")).hasValue("primary");
            String metrics = routed.gateway().metrics().scrape();
            assertThat(metrics)
                    .contains("switchboard_breaker_state{gen_ai_provider_name=\"primary\",target=\"primary/gpt-4o\"} 0.0")
                    .contains("switchboard_upstream_connections_refused_total{gen_ai_provider_name=\"primary\"} 1.0");
            // the primary was not blamed: with consecutive_failures 1 its breaker would be open otherwise
            assertThat(send(routed, "/v1/chat/completions", STREAM).get().headers().firstValue("x-switchboard-provider"))
                    .hasValue("primary");
        }
    }

    private CompletableFuture<HttpResponse<String>> send(String path, String body) {
        return send(gateway, path, body);
    }

    private CompletableFuture<HttpResponse<String>> send(GatewayFixture target, String path, String body) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(target.baseUrl() + path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + GatewayFixture.KEY)
                .header("x-api-key", GatewayFixture.KEY)
                .header("anthropic-version", "2023-06-01")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String scrape() {
        return gateway.gateway().metrics().scrape();
    }

    static void awaitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}

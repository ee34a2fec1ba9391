package dev.switchboard.e2e;

import static dev.switchboard.testing.LimitTesting.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatedAnswers;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.LimitTesting;
import dev.switchboard.testing.RawHttp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code limits.queue}: a request queued on a token limit is admitted as soon as a request in flight settles for less
 * than it reserved, not when the sliding window drops the reservation a minute later. Each request's prompt is about
 * 300 tokens and asks for 50 more, against {@code tokens_per_minute: 400}: one in flight leaves no room for a second
 * one's prompt; its settled usage (18 tokens, from {@link GatedAnswers}) leaves room for one.
 */
class LimitQueueWakeIT {
    static final String KEY = "sk-queue-wake-0001";
    static final String LEFT_KEY = "sk-queue-left-0002";
    static final String BODY = "{\"model\":\"fake/gpt-4o\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\""
            + "hello ".repeat(290) + "\"}]}";
    static final long HOLD_MILLIS = 1500;

    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: sk-up-wake, models: [gpt-4o] }
                limits:
                  queue: 10s
                keys:
                  - { name: wake, key: %s, limits: { tokens_per_minute: 400 } }
                  - { name: left, key: %s, limits: { tokens_per_minute: 400, requests_per_minute: 2 } }
                """.formatted(upstream.baseUrl(), KEY, LEFT_KEY));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static CompletableFuture<HttpResponse<String>> sendAsync(String key) {
        return LimitTesting.http().sendAsync(LimitTesting.chatRequest(gateway.baseUrl(), key, BODY),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitHeld(GatedAnswers gate, int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (gate.held() < n) {
            assertThat(System.nanoTime()).as("request reached the upstream").isLessThan(end);
            Thread.sleep(10);
        }
    }

    @Test
    void aQueuedRequestIsAdmittedRightAfterTheRequestInFlightSettlesForLess() throws Exception {
        GatedAnswers gate = new GatedAnswers();
        upstream.enqueue(gate.behavior());
        CompletableFuture<HttpResponse<String>> a = sendAsync(KEY);
        awaitHeld(gate, 1);

        long sent = System.nanoTime();
        CompletableFuture<HttpResponse<String>> b = sendAsync(KEY);
        Thread.sleep(HOLD_MILLIS);
        assertThat(b).as("B waits while A holds the window").isNotDone();
        long released = System.nanoTime();
        gate.release();

        HttpResponse<String> first = a.get(10, TimeUnit.SECONDS);
        HttpResponse<String> second = b.get(10, TimeUnit.SECONDS);
        long waitedMillis = (System.nanoTime() - sent) / 1_000_000;
        long afterSettleMillis = (System.nanoTime() - released) / 1_000_000;
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(header(first, "x-ratelimit-remaining-tokens")).as("A's reservation leaves no room for B's prompt")
                .isLessThan(290);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        System.out.printf("queued B: waited %d ms in all, answered %d ms after A settled%n", waitedMillis, afterSettleMillis);
        assertThat(waitedMillis).as("B queued while A was in flight").isGreaterThanOrEqualTo(HOLD_MILLIS);
        assertThat(afterSettleMillis).as("admitted right after A settled, not when the window drops A (≥ 55 s)")
                .isLessThan(2_000);
    }

    @Test
    void aQueuedRequestWhoseClientLeftIsNotCountedAndTheNextOneGoes() throws Exception {
        GatedAnswers gate = new GatedAnswers();
        upstream.enqueue(gate.behavior());
        CompletableFuture<HttpResponse<String>> a = sendAsync(LEFT_KEY);
        awaitHeld(gate, 1);
        int upstreamCalls = upstream.requests().size();

        // C queues behind A, then its client goes away
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        try (RawHttp c = RawHttp.connect(gateway.port())) {
            c.write("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + LEFT_KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").write(body);
            Thread.sleep(300);
        }
        CompletableFuture<HttpResponse<String>> d = sendAsync(LEFT_KEY);
        Thread.sleep(300);
        assertThat(d).isNotDone();
        long released = System.nanoTime();
        gate.release();

        assertThat(a.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        HttpResponse<String> served = d.get(10, TimeUnit.SECONDS);
        long afterSettleMillis = (System.nanoTime() - released) / 1_000_000;
        // requests_per_minute: 2 holds A and D only if C, admitted first after A settled, gave its request back
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        assertThat(afterSettleMillis).isLessThan(2_000);
        assertThat(upstream.requests().size() - upstreamCalls).as("C never reached the upstream; D did").isEqualTo(1);
    }
}

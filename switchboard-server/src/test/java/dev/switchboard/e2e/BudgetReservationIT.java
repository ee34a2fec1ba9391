package dev.switchboard.e2e;

import static dev.switchboard.testing.LimitTesting.chat;
import static dev.switchboard.testing.LimitTesting.header;
import static dev.switchboard.testing.LimitTesting.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ErrorBodies;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatedAnswers;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.LimitTesting;
import dev.switchboard.tokens.TokenEstimator;
import dev.switchboard.usage.UsageEvent;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Budgets are reserved at an estimate before the call (input + the expected output: here max_tokens 10, below any
 * learned estimate) and settled at the real cost after it: under a burst of concurrent requests no more are admitted
 * than the budget can hold reservations for (the last one getting what was left), and the money given back by
 * settlement admits more later. Prices are overridden so every cost is computed by hand:
 * input 1000, cached input 500, output 2000 USD per million tokens (= micro-USD per token).
 */
class BudgetReservationIT {
    static final String BUDGET_KEY = "sk-budget-burst-0001";
    static final String PLAIN_KEY = "sk-budget-plain-0002";
    static final String STREAM_KEY = "sk-budget-stream-0003";
    static final long BUDGET_MICRO_USD = 2_000_000;
    /** The fake's usage: 8 plain + 3 cached input, 5 plain + 2 reasoning output. */
    static final long ACTUAL_MICRO_USD = 8 * 1000 + 3 * 500 + 5 * 2000 + 2 * 2000;

    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: sk-up-budget, models: [gpt-4o] }
                prices:
                  "gpt-4o": { input: 1000, output: 2000, cached_input: 500 }
                keys:
                  - { name: burst, key: %s, budget: { usd: 2.0, period: day } }
                  - { name: plain, key: %s }
                  - { name: streamer, key: %s, limits: { tokens_per_minute: 100000 }, budget: { usd: 100, period: day } }
                """.formatted(upstream.baseUrl(), BUDGET_KEY, PLAIN_KEY, STREAM_KEY));
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
    void costHeaderIsTheFakesUsageAtTheConfiguredPrice() {
        HttpResponse<String> res = send(gateway.baseUrl(), PLAIN_KEY, chat("fake/gpt-4o", null, false));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(ACTUAL_MICRO_USD).isEqualTo(23_500);
        assertThat(res.headers().firstValue("x-switchboard-cost-usd")).hasValue("0.023500");
        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(5)).get(0);
        assertThat(e.costUsd()).isEqualTo(0.0235);
    }

    @Test
    void twoHundredConcurrentRequestsNeverOvershootTheBudget() {
        String body = chat("fake/gpt-4o", 10, false);
        long input = new TokenEstimator().estimate("gpt-4o", body.getBytes(StandardCharsets.UTF_8)).inputTokens();
        long reserved = input * 1000 + 10 * 2000;
        long inputCost = input * 1000;
        // admitted while what is left holds the input; the last one gets what is left
        long affordable = (BUDGET_MICRO_USD - inputCost) / reserved + 1;
        assertThat(affordable).as("the test needs a budget for a few requests").isBetween(2L, 100L);

        // admitted requests are held at the upstream, so no reservation is settled during the burst
        GatedAnswers gate = new GatedAnswers();
        for (int i = 0; i < 200; i++) {
            upstream.enqueue(gate.behavior());
        }
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(LimitTesting.http().sendAsync(LimitTesting.chatRequest(gateway.baseUrl(), BUDGET_KEY, body),
                    HttpResponse.BodyHandlers.ofString()));
        }
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (all.stream().filter(CompletableFuture::isDone).count() + gate.held() < 200) {
            assertThat(System.nanoTime()).as("every request answered or held").isLessThan(end);
            sleep(20);
        }
        sleep(200); // a late admission would show up as a held request here
        int admitted = gate.held();
        assertThat(admitted).as("admitted").isEqualTo((int) affordable);
        assertThat((admitted - 1) * reserved + inputCost).isLessThanOrEqualTo(BUDGET_MICRO_USD);
        for (CompletableFuture<HttpResponse<String>> f : all) {
            if (f.isDone()) {
                ErrorBodies.assertError(f.join(), 429, "insufficient_quota", "budget_exceeded");
            }
        }

        gate.release();
        long ok = all.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 200).count();
        assertThat(ok).isEqualTo(admitted);
        List<UsageEvent> paid = awaitPaid(admitted);
        assertThat(paid).allSatisfy(e -> assertThat(e.costUsd()).isEqualTo(0.0235));

        // settlement gave back worst case minus actual cost, so more requests fit now, one after another
        upstream.reset();
        int more = 0;
        HttpResponse<String> last;
        while ((last = send(gateway.baseUrl(), BUDGET_KEY, body)).statusCode() == 200 && more < 500) {
            more++;
        }
        assertThat(more).as("admitted after settlement").isPositive();
        ErrorBodies.assertError(last, 429, "insufficient_quota", "budget_exceeded");
        long spent = (admitted + more) * ACTUAL_MICRO_USD;
        // a request admitted while its input fit may cost more than was left: by at most its output (7 tokens)
        long outputBound = 7 * 2000;
        assertThat(spent).isLessThanOrEqualTo(BUDGET_MICRO_USD + outputBound);
        assertThat(spent + inputCost).as("refused only when the input no longer fits").isGreaterThan(BUDGET_MICRO_USD);
        List<UsageEvent> all200 = awaitPaid(admitted + more);
        double recorded = all200.stream().mapToDouble(UsageEvent::costUsd).sum();
        assertThat(recorded).isLessThanOrEqualTo((BUDGET_MICRO_USD + outputBound) / 1e6);
    }

    @Test
    void aStreamIsAdmittedAndSettledLikeAnyRequest() {
        HttpResponse<String> stream = send(gateway.baseUrl(), STREAM_KEY, chat("fake/gpt-4o", 10, true));
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.body()).endsWith("data: [DONE]\n\n");
        assertThat(header(stream, "x-ratelimit-limit-tokens")).isEqualTo(100_000);
        UsageEvent e = gateway.usage().awaitEvents(1, Duration.ofSeconds(5)).get(0);
        assertThat(e.stream()).isTrue();
        assertThat(e.costKnown()).isTrue();
        assertThat(e.costUsd()).isEqualTo(0.0235);

        // the stream's reservation was replaced by its 18 real tokens
        String body = chat("fake/gpt-4o", 10, false);
        long input = new TokenEstimator().estimate("gpt-4o", body.getBytes(StandardCharsets.UTF_8)).inputTokens();
        long streamReserved = header(stream, "x-ratelimit-limit-tokens") - header(stream, "x-ratelimit-remaining-tokens");
        HttpResponse<String> next = send(gateway.baseUrl(), STREAM_KEY, body);
        assertThat(next.statusCode()).isEqualTo(200);
        long used = 100_000 - header(next, "x-ratelimit-remaining-tokens");
        assertThat(streamReserved).as("the stream reserved input + max_tokens").isEqualTo(input + 10);
        assertThat(used).as("the stream's 18 real tokens, then the next one's reservation").isEqualTo(18 + input + 10);
    }

    private static List<UsageEvent> awaitPaid(int count) {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<UsageEvent> paid = gateway.usage().events().stream()
                    .filter(e -> "burst".equals(e.keyName()) && e.status() == 200).toList();
            if (paid.size() >= count || System.nanoTime() > end) {
                assertThat(paid).hasSize(count);
                return paid;
            }
            sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.LimitTesting;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two 8 MiB single-letter prompts on a key with counted limits (jtokkit's worst case: seconds of CPU and a heap
 * OutOfMemoryError when tokenised whole on the event loop) must neither stall other tenants nor hang themselves.
 */
class TokeniserLoadIT {
    static final String BIG_KEY = "sk-tokens-big-0001";
    static final String SMALL_KEY = "sk-tokens-small-0002";

    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: sk-up-tokens, models: [gpt-4o] }
                limits:
                  key_default: { requests_per_minute: 1000, tokens_per_minute: 100000000 }
                keys:
                  - { name: big, key: %s }
                  - { name: small, key: %s }
                """.formatted(upstream.baseUrl(), BIG_KEY, SMALL_KEY));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void hugeSingleLetterPromptsAreAnsweredWhileOtherKeysStayFast() throws Exception {
        String big = "{\"model\":\"fake/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "a".repeat(8 * 1024 * 1024) + "\"}]}";
        String small = LimitTesting.chat("fake/gpt-4o", 16, false);
        assertThat(LimitTesting.send(gateway.baseUrl(), SMALL_KEY, small).statusCode()).isEqualTo(200); // warm

        List<CompletableFuture<HttpResponse<String>>> bigOnes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            bigOnes.add(LimitTesting.http().sendAsync(LimitTesting.chatRequest(gateway.baseUrl(), BIG_KEY, big),
                    HttpResponse.BodyHandlers.ofString()));
        }
        long worstMillis = 0;
        int answered = 0;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
        while (!bigOnes.stream().allMatch(CompletableFuture::isDone) || answered < 10) {
            assertThat(System.nanoTime()).as("big prompts unanswered").isLessThan(until);
            long start = System.nanoTime();
            HttpResponse<String> res = LimitTesting.send(gateway.baseUrl(), SMALL_KEY, small);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            worstMillis = Math.max(worstMillis, millis);
            answered++;
        }
        for (CompletableFuture<HttpResponse<String>> f : bigOnes) {
            HttpResponse<String> res = f.get(1, TimeUnit.SECONDS);
            assertThat(res.statusCode()).as(res.body()).isIn(200, 429);
        }
        // the event loop was never held for long: every small request came back quickly. Tokenising the prompts on the
        // loop held it 7-15 s; what is left is reading, parsing and forwarding 16 MiB on the loop (tens of ms of CPU,
        // stretched on a loaded CI machine), hence a bound well above the ~20 ms typical answer
        assertThat(worstMillis).as("slowest small request while the big ones were estimated").isLessThan(1500);
    }
}

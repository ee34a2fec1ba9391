package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.TwoGateways;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The semantic cache across instances: a question answered through one gateway is a semantic hit for a paraphrase
 * asked through another, the index entry travelling through Redis (the answer itself is in the shared store).
 */
class SharedSemanticCacheIT {
    static TwoGateways pair;
    static FakeUpstream upstream;
    static GatewayFixture one;
    static GatewayFixture two;

    @BeforeAll
    static void start() {
        pair = TwoGateways.start("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %1$s, api_key: %2$s, models: [gpt-4o] }
                keys:
                  - { name: tester, key: %3$s }
                stages:
                  - { type: cache, settings: { backend: redis, url: "%4$s", timeout: 1s, semantic: { threshold: 0.9 } } }
                """, "");
        upstream = pair.upstream;
        one = pair.one;
        two = pair.two;
    }

    @AfterAll
    static void stop() {
        pair.close();
    }

    static HttpResponse<String> ask(GatewayFixture g, String question) {
        return g.send(HttpRequest.newBuilder(URI.create(g.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + GatewayFixture.KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"fake/gpt-4o\",\"temperature\":0,\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"" + question + "\"}]}")).build());
    }

    /** Waits until {@code g}'s semantic index holds at least {@code n} entries (its gauge on /metrics). */
    static void awaitEntries(GatewayFixture g, int n) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (g.gauge("switchboard_cache_semantic_entries") >= n) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the semantic index never held " + n + " entries");
    }

    static String cache(HttpResponse<String> r) {
        return r.headers().firstValue("x-switchboard-cache").orElse("(none)");
    }

    @Test
    void aParaphraseOnAnotherInstanceIsASemanticHit() throws Exception {
        ask(two, "Explain what a black hole is."); // the second instance loads its model and joins the feed
        awaitEntries(two, 1);
        ask(one, "How do I reverse a string in Python?");
        // the entry reaches the other instance within its 100 ms poll; asking before it arrived would store the
        // paraphrase as an exact entry of its own, so wait for it on the index's gauge first
        awaitEntries(two, 2);
        HttpResponse<String> para = ask(two, "How can I reverse a string in Python?");
        assertThat(cache(para)).isEqualTo("semantic-hit");
        assertThat(para.body()).contains("echo: How do I reverse a string in Python?");
    }
}

package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.TwoGateways;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A purge through one instance's admin API reaches the other instance's semantic index through the Redis feed, by
 * the purge's scope only: after it, the other instance relearns (a paraphrase stored after the purge answers the
 * purged question). Were the purged entry still there, it would shadow the new one: the nearest text would point at
 * an answer that is gone, a miss every time.
 */
class SemanticPurgeAcrossInstancesIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN_KEY = "sk-admin-semantic-purge-0123456789";
    static final String OTHER = "sk-semantic-purge-other-0001";
    @TempDir
    static Path dir;
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
                  - { name: other, key: OTHER_KEY }
                stages:
                  - { type: cache, settings: { backend: redis, url: "%4$s", timeout: 1s, semantic: { threshold: 0.9 } } }
                """.replace("OTHER_KEY", OTHER), """
                store: { url: "sqlite:%s" }
                admin: { listen: "127.0.0.1:0", keys: [ { name: ops, key: %s } ] }
                """.formatted(dir.resolve("store.db"), ADMIN_KEY));
        upstream = pair.upstream;
        one = pair.one;
        two = pair.two;
    }

    @AfterAll
    static void stop() {
        pair.close();
    }

    static HttpResponse<String> ask(GatewayFixture g, String key, String question) {
        HttpResponse<String> r = g.send(HttpRequest.newBuilder(URI.create(g.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"fake/gpt-4o\",\"temperature\":0,\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"" + question + "\"}]}")).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r;
    }

    static String cache(HttpResponse<String> r) {
        return r.headers().firstValue("x-switchboard-cache").orElse("(none)");
    }

    static double entries(GatewayFixture g) {
        return g.gauge("switchboard_cache_semantic_entries");
    }

    /** Waits up to 5 s for {@code g}'s index to hold {@code n} entries; how long it took (ms). */
    static long awaitEntries(GatewayFixture g, double n) throws InterruptedException {
        long t0 = System.nanoTime();
        while (entries(g) != n && System.nanoTime() - t0 < 5_000_000_000L) {
            Thread.sleep(10);
        }
        assertThat(entries(g)).isEqualTo(n);
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static long purge(String body) throws Exception {
        HttpResponse<String> r = one.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + one.gateway().adminPort() + "/admin/cache/purge"))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("removed").asLong();
    }

    @Test
    void aPurgeOnOneInstanceRemovesTheOthersSemanticEntriesInItsScope() throws Exception {
        ask(two, GatewayFixture.KEY, "Explain what a black hole is."); // loads its model, joins the feed
        ask(one, GatewayFixture.KEY, "How do I reverse a string in Python?");
        ask(one, OTHER, "What is the boiling point of water?");
        awaitEntries(two, 3);
        awaitEntries(one, 3);
        assertThat(cache(ask(two, GatewayFixture.KEY, "How can I reverse a string in Python?")))
                .isEqualTo("semantic-hit");

        // hostile names purge nothing here either: a tenant of that exact name only
        assertThat(purge("{\"key\":\"*\"}")).isZero();
        assertThat(purge("{\"model\":\"fake/*\"}")).isZero();
        Thread.sleep(300); // three polls
        assertThat(entries(two)).isEqualTo(3);

        assertThat(purge("{\"key\":\"cfg:tester\"}")).isGreaterThanOrEqualTo(2);
        assertThat(entries(one)).as("its own index at once").isEqualTo(1);
        long took = awaitEntries(two, 1); // the other tenant's entry stays
        System.out.println("[semantic-purge] reached the other instance in " + took + " ms");

        HttpResponse<String> relearn = ask(two, GatewayFixture.KEY, "How can I reverse a string in Python?");
        assertThat(cache(relearn)).isEqualTo("miss");
        awaitEntries(two, 2);
        HttpResponse<String> again = ask(two, GatewayFixture.KEY, "How do I reverse a string in Python?");
        assertThat(cache(again)).as("the purged entry no longer shadows the new one").isEqualTo("semantic-hit");
        assertThat(again.body()).contains("echo: How can I reverse a string in Python?");
        assertThat(cache(ask(two, OTHER, "What's the boiling point of water?"))).isEqualTo("semantic-hit");

        assertThat(purge("{\"all\":true}")).isGreaterThanOrEqualTo(2);
        awaitEntries(two, 0);
        awaitEntries(one, 0);
    }
}

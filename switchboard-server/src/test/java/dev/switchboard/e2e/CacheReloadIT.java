package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.server.RetirementMargin;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a config reload keeps and frees of the response cache: the same store settings keep the store and its
 * answers; changed settings free the old store (its entries, its meters) once the old config's stages are closed, so
 * reloads never pile stores up; a request still running on the old config gets its answer whatever happens.
 */
class CacheReloadIT {
    /** The longest request of the test configs: the old stages close this plus the margin after a reload. */
    static final Duration TOTAL = Duration.ofSeconds(3);
    private static final Pattern ENTRIES = Pattern.compile("(?m)^switchboard_cache_entries\\{([^}]*)} ([0-9.eE+-]+)$");

    private final FakeUpstream upstream = FakeUpstream.start();
    private GatewayFixture gateway;
    private AutoCloseable margin;
    private int prompts;

    @AfterEach
    void stop() throws Exception {
        if (margin != null) {
            margin.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
    }

    static String yaml(FakeUpstream upstream, String maxBytes, String extra) {
        return """
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 2 }
                timeouts: { total: %s }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s, models: [gpt-4o] }
                keys:
                  - { name: tester, key: %s }
                stages:
                  - { type: cache, settings: { ttl: 10m, cache_sampled: true, max_bytes: %s } }
                %s
                """.formatted(TOTAL.toMillis() + "ms", upstream.baseUrl(), GatewayFixture.UPSTREAM_KEY, GatewayFixture.KEY,
                maxBytes, extra);
    }

    private void start(String yaml, Duration afterLongestRequest) {
        margin = RetirementMargin.set(afterLongestRequest.minus(TOTAL)); // old stages close this long after a reload
        gateway = GatewayFixture.withYaml(yaml);
    }

    private void reload(String yaml) {
        gateway.gateway().reload(new ConfigLoader(dev.switchboard.catalogue.ProviderCatalogue.bundled(), Map.<String, String>of()::get)
                .parse(yaml));
    }

    private String prompt() {
        return "reload question " + (++prompts) + " " + System.nanoTime();
    }

    private static String chat(String text) {
        return "{\"model\":\"fake/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    private HttpResponse<String> ask(String text) {
        return gateway.post("/v1/chat/completions", chat(text));
    }

    private static String cache(HttpResponse<String> r) {
        return r.headers().firstValue("x-switchboard-cache").orElse("(none)");
    }

    /** The stores in the scrape, by their store label: their entries. */
    private Map<String, Double> stores() {
        Map<String, Double> out = new java.util.TreeMap<>();
        Matcher m = ENTRIES.matcher(gateway.get("/metrics").body());
        while (m.find()) {
            Matcher name = Pattern.compile("store=\"([^\"]*)\"").matcher(m.group(1));
            out.put(name.find() ? name.group(1) : "?", Double.parseDouble(m.group(2)));
        }
        return out;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(end);
            Thread.sleep(50);
        }
    }

    @Test
    void aReloadThatKeepsTheSettingsKeepsTheStoreAndItsAnswers() throws Exception {
        String yaml = yaml(upstream, "4MiB", "");
        start(yaml, Duration.ZERO); // the old config's stages close as soon as it is replaced
        String text = prompt();
        assertThat(cache(ask(text))).isEqualTo("miss");
        assertThat(cache(ask(text))).isEqualTo("hit");

        reload(yaml + "models:\n  - { name: smart, target: fake/gpt-4o }\n"); // a new config, the same cache settings
        Thread.sleep(500); // the old stages are closed by now
        HttpResponse<String> after = ask(text);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(cache(after)).as("the answer cached before the reload").isEqualTo("hit");
        assertThat(upstream.requests()).hasSize(1);
        assertThat(stores()).containsOnlyKeys("cache");

        reload(yaml); // and again, with no request in between: nothing the new stages hold is let go
        Thread.sleep(500);
        assertThat(cache(ask(text))).isEqualTo("hit");
        assertThat(stores()).containsEntry("cache", 1.0).hasSize(1);
    }

    @Test
    void aReloadThatChangesMaxBytesFreesTheOldStoreOnceTheOldConfigIsDone() throws Exception {
        start(yaml(upstream, "4MiB", ""), Duration.ofSeconds(1));
        String text = prompt();
        assertThat(cache(ask(text))).isEqualTo("miss");
        assertThat(stores()).containsOnlyKeys("cache");

        reload(yaml(upstream, "8MiB", ""));
        HttpResponse<String> fresh = ask(text);
        assertThat(cache(fresh)).as("another store: the old answers are not in it").isEqualTo("miss");
        assertThat(stores()).as("both, while the old config may still serve requests").containsOnlyKeys("cache", "cache#2");

        await(() -> stores().keySet().equals(java.util.Set.of("cache#2")), "the old store's series are gone");
        assertThat(stores()).containsEntry("cache#2", 1.0);
        assertThat(cache(ask(text))).as("the new store serves").isEqualTo("hit");
        assertThat(upstream.requests()).hasSize(2);
    }

    @Test
    void manyReloadsAlternatingSettingsLeaveOnlyTheLiveStore() throws Exception {
        start(yaml(upstream, "4MiB", ""), Duration.ZERO);
        for (int i = 0; i < 50; i++) {
            reload(yaml(upstream, i % 2 == 0 ? "8MiB" : "4MiB", ""));
            HttpResponse<String> r = ask(prompt()); // each version's stage opens (or holds) its store
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(stores().size()).as("stores after reload " + i).isLessThanOrEqualTo(3);
        }
        await(() -> stores().size() == 1, "one store: the live config's");
        String text = prompt();
        assertThat(cache(ask(text))).isEqualTo("miss");
        assertThat(cache(ask(text))).isEqualTo("hit");
    }

    @Test
    void aRequestInFlightAcrossAReloadGetsItsAnswerWhenItsStoreIsClosedUnderIt() throws Exception {
        start(yaml(upstream, "4MiB", ""), Duration.ZERO); // closes the old stages while the request still runs
        upstream.answerWith(upstream.delayed(Duration.ofMillis(800)));
        List<CompletableFuture<HttpResponse<String>>> flying = new ArrayList<>();
        String text = prompt();
        for (int i = 0; i < 8; i++) {
            flying.add(CompletableFuture.supplyAsync(() -> ask(text)));
        }
        Thread.sleep(300); // they reached the upstream under the first config
        reload(yaml(upstream, "8MiB", ""));
        for (CompletableFuture<HttpResponse<String>> f : flying) {
            HttpResponse<String> r = f.get();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).contains("echo: " + text);
            assertThat(cache(r)).isEqualTo("miss");
        }
        await(() -> !stores().containsKey("cache"), "the old store is gone");
        upstream.answerWith(null);
        assertThat(cache(ask(text))).as("its answer was not written into the new store").isEqualTo("miss");
        assertThat(cache(ask(text))).isEqualTo("hit");
    }

    /** A fake embeddings provider: 8 numbers per text, from its hash (the same text, the same vector). */
    static void vectors(io.vertx.core.http.HttpServerRequest req, io.vertx.core.buffer.Buffer body) {
        int h = body.toString().hashCode();
        StringBuilder v = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            v.append(i == 0 ? "" : ",").append(((h >>> (i * 4)) & 15) + 1);
        }
        req.response().putHeader("content-type", "application/json").end("{\"object\":\"list\",\"data\":[{\"object\":"
                + "\"embedding\",\"index\":0,\"embedding\":[" + v + "]}],\"model\":\"m\",\"usage\":{\"prompt_tokens\":1,"
                + "\"total_tokens\":1}}");
    }

    static String semanticYaml(FakeUpstream upstream, FakeUpstream embeddings, String model) {
        return """
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 2 }
                timeouts: { total: %s }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s, models: [gpt-4o] }
                  - { name: emb, type: openai, base_url: %s, api_key: %s, models: [vec-one, vec-two] }
                keys:
                  - { name: tester, key: %s }
                stages:
                  - { type: cache, settings: { cache_sampled: true, semantic: { threshold: 0.99, embedder: { model: %s, dimensions: 8 } } } }
                """.formatted(TOTAL.toMillis() + "ms", upstream.baseUrl(), GatewayFixture.UPSTREAM_KEY,
                embeddings.baseUrl(), GatewayFixture.UPSTREAM_KEY, GatewayFixture.KEY, model);
    }

    /** Models with embedding meters in the scrape. */
    private java.util.Set<String> embeddingModels() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        Matcher m = Pattern.compile("(?m)^switchboard_cache_semantic_embeddings_total\\{[^}]*model=\"([^\"]*)\"")
                .matcher(gateway.get("/metrics").body());
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void aReloadThatChangesTheEmbedderFreesTheOldModelsIndexAndMeters() throws Exception {
        FakeUpstream embeddings = FakeUpstream.start();
        try {
            embeddings.answerWith(CacheReloadIT::vectors);
            start(semanticYaml(upstream, embeddings, "emb/vec-one"), Duration.ofMillis(500));
            String text = prompt();
            assertThat(cache(ask(text))).isEqualTo("miss");
            assertThat(embeddingModels()).containsExactly("emb/vec-one");

            reload(semanticYaml(upstream, embeddings, "emb/vec-two"));
            String other = prompt();
            assertThat(ask(other).statusCode()).isEqualTo(200);
            await(() -> embeddingModels().equals(java.util.Set.of("emb/vec-two")), "the old model's series are gone");
            int calls = embeddings.requests().size();
            assertThat(cache(ask(prompt()))).as("the new model's index serves").isEqualTo("miss");
            assertThat(embeddings.requests().size()).isGreaterThan(calls);

            reload(semanticYaml(upstream, embeddings, "emb/vec-two")); // the same embedder: kept, with its meters
            Thread.sleep(1000);
            assertThat(embeddingModels()).containsExactly("emb/vec-two");
            assertThat(cache(ask(other))).isEqualTo("hit");
        } finally {
            embeddings.close();
        }
    }
}

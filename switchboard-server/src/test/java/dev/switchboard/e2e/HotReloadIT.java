package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The watched config file: a valid change takes effect, an invalid one is refused, running requests keep their config. */
class HotReloadIT {
    static final String NEW_KEY = "sk-rotated-client-key-999";
    static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    FakeUpstream upstream;
    GatewayFixture gateway;
    String yaml;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        yaml = GatewayFixture.defaultYaml(upstream, "");
        gateway = GatewayFixture.watching(yaml);
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    /** Replaces the config file atomically, as an editor or a config-management tool would. */
    private void writeConfig(String content) {
        try {
            Path tmp = Files.createTempFile(gateway.configFile().getParent(), "switchboard-next", ".yaml");
            Files.writeString(tmp, content);
            Files.move(tmp, gateway.configFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String withAlias(String name) {
        return yaml.replace("  - { name: smart, target: fake/gpt-4o }\n",
                "  - { name: smart, target: fake/gpt-4o }\n  - { name: " + name + ", target: fake/gpt-4o }\n");
    }

    private int modelStatus(String key, String model) {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/models/" + model))
                .header("Authorization", "Bearer " + key).GET().build()).statusCode();
    }

    /** Polls until the condition holds; returns how long it took. */
    private static long await(java.util.function.BooleanSupplier condition, Duration max, String what) throws InterruptedException {
        long t0 = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - t0 > max.toNanos()) {
                throw new AssertionError("not within " + max + ": " + what);
            }
            Thread.sleep(25);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void aNewAliasTakesEffectWithinAFewPolls() throws InterruptedException {
        assertError(gateway.post("/v1/chat/completions", CHAT.formatted("fast")), 404, "invalid_request_error", "model_not_found");
        writeConfig(withAlias("fast"));
        long took = await(() -> gateway.post("/v1/chat/completions", CHAT.formatted("fast")).statusCode() == 200,
                Duration.ofSeconds(3), "the new alias 'fast' answers");
        assertThat(took).isLessThan(2000);
        assertThat(upstream.lastRequest().json().path("model").asText()).isEqualTo("gpt-4o");
        assertThat(gateway.post("/v1/chat/completions", CHAT.formatted("smart")).statusCode()).isEqualTo(200);
    }

    @Test
    void anInvalidFileIsRefusedAndTheOldConfigKeepsServing() throws InterruptedException {
        // Invalid (a misspelt key), though it would also add an alias: none of it may be applied.
        writeConfig(withAlias("fast").replace("    type: openai", "    typ: openai"));
        Thread.sleep(600); // three polls of the 200 ms watcher
        assertThat(gateway.post("/v1/chat/completions", CHAT.formatted("smart")).statusCode()).isEqualTo(200);
        assertError(gateway.post("/v1/chat/completions", CHAT.formatted("fast")), 404, "invalid_request_error", "model_not_found");
        writeConfig("providers: [ { name: broken");
        Thread.sleep(400);
        assertThat(gateway.post("/v1/chat/completions", CHAT.formatted("smart")).statusCode()).isEqualTo(200);

        // The watcher is still alive: a corrected file is picked up.
        writeConfig(withAlias("fast"));
        await(() -> gateway.post("/v1/chat/completions", CHAT.formatted("fast")).statusCode() == 200,
                Duration.ofSeconds(3), "the corrected file is applied");
    }

    @Test
    void aRequestInFlightFinishesOnTheConfigItStartedWith() throws Exception {
        upstream.enqueue(upstream.delayed(Duration.ofMillis(2000)));
        CompletableFuture<HttpResponse<String>> inFlight = gateway.httpClient().sendAsync(
                HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                        .header("Authorization", "Bearer " + GatewayFixture.KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(CHAT.formatted("smart"))).build(),
                HttpResponse.BodyHandlers.ofString());
        await(() -> !upstream.requests().isEmpty(), Duration.ofSeconds(3), "the request reaches the upstream");

        // The new config rotates the client key and gives the provider a 300 ms first-byte timeout.
        writeConfig(GatewayFixture.defaultYaml(upstream, "    timeouts: { first_byte: 300ms }")
                .replace("key: " + GatewayFixture.KEY, "key: " + NEW_KEY));
        await(() -> modelStatus(GatewayFixture.KEY, "smart") == 401, Duration.ofSeconds(3), "the old key is refused");
        assertThat(inFlight).as("the reload happened while the request was in flight").isNotDone();

        HttpResponse<String> old = inFlight.get(5, TimeUnit.SECONDS);
        assertThat(old.statusCode()).as(old.body()).isEqualTo(200);
        assertThat(old.body()).contains("echo: hi");
        assertThat(gateway.usage().awaitEvents(1, Duration.ofSeconds(2)).get(0).keyName()).isEqualTo("tester");

        // A new request gets the new config: the new key works, and the same slow answer now times out.
        assertThat(modelStatus(NEW_KEY, "smart")).isEqualTo(200);
        upstream.enqueue(upstream.delayed(Duration.ofMillis(2000)));
        HttpResponse<String> fresh = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + NEW_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT.formatted("smart"))).build());
        assertError(fresh, 504, "timeout_error", "upstream_timeout");
    }
}

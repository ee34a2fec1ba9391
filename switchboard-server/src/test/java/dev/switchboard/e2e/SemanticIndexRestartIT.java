package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RedisProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The semantic index kept beside the SQLite store (answers in Redis): a paraphrase is a semantic hit after the gateway
 * restarts, with the Redis feed emptied in between so the entry can only have come from the folder; a damaged folder
 * is set aside and the gateway serves (counted in its metrics); a second gateway on the same folder serves with its
 * index in memory.
 */
class SemanticIndexRestartIT {
    static FakeUpstream upstream;
    static RedisProcess redis;
    @TempDir
    Path dir;
    private final List<GatewayFixture> started = new java.util.ArrayList<>();

    @BeforeAll
    static void startShared() {
        upstream = FakeUpstream.start();
        redis = new RedisProcess();
        redis.start();
    }

    @AfterAll
    static void stopShared() {
        redis.close();
        upstream.close();
    }

    @AfterEach
    void closeGateways() {
        started.forEach(GatewayFixture::close);
    }

    private GatewayFixture gateway(String prefix) {
        GatewayFixture g = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s, models: [gpt-4o] }
                keys:
                  - { name: tester, key: %s }
                store: { url: "sqlite:%s" }
                stages:
                  - { type: cache, settings: { backend: redis, url: "%s", prefix: "%s", timeout: 1s,
                      semantic: { threshold: 0.9 } } }
                """.formatted(upstream.baseUrl(), GatewayFixture.UPSTREAM_KEY, GatewayFixture.KEY,
                dir.resolve("store.db"), redis.url(), prefix));
        started.add(g);
        return g;
    }

    static HttpResponse<String> ask(GatewayFixture g, String question) {
        HttpResponse<String> r = g.send(HttpRequest.newBuilder(URI.create(g.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + GatewayFixture.KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"fake/gpt-4o\",\"temperature\":0,\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"" + question + "\"}]}")).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r;
    }

    static String cache(HttpResponse<String> r) {
        return r.headers().firstValue("x-switchboard-cache").orElse("(none)");
    }

    static double metric(GatewayFixture g, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(g.gateway().metrics().scrape());
        return m.find() ? Double.parseDouble(m.group(2)) : Double.NaN;
    }

    /** Waits until the gateway's semantic index holds {@code n} entries (the add runs after the answer is stored). */
    static void awaitEntries(GatewayFixture g, double n) throws InterruptedException {
        for (int i = 0; i < 100 && metric(g, "switchboard_cache_semantic_entries") != n; i++) {
            Thread.sleep(50);
        }
        assertThat(metric(g, "switchboard_cache_semantic_entries")).isEqualTo(n);
    }

    /** DEL through Redis's own protocol: the feed's stream is gone, so a restart cannot replay it. */
    static void deleteKey(String key) throws IOException {
        URI u = URI.create(redis.url());
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("*2\r\n$3\r\nDEL\r\n$" + key.length() + "\r\n" + key + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder reply = new StringBuilder();
            for (int c = in.read(); c != '\n' && c >= 0; c = in.read()) {
                reply.append((char) c);
            }
            assertThat(reply.toString().trim()).isEqualTo(":1");
        }
    }

    private Path indexFolder() throws IOException {
        try (Stream<Path> folders = Files.list(dir.resolve("store.db.semantic-cache"))) {
            return folders.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().contains(".unreadable-"))
                    .findFirst().orElseThrow();
        }
    }

    @Test
    void aParaphraseIsASemanticHitAfterARestartFromTheFolderAlone() throws Exception {
        GatewayFixture first = gateway("restart:");
        assertThat(cache(ask(first, "How do I reverse a string in Python?"))).isEqualTo("miss");
        awaitEntries(first, 1);
        assertThat(metric(first, "switchboard_cache_semantic_index_on_disk")).isEqualTo(1);
        first.close();
        started.remove(first);
        deleteKey("restart:sem");
        int upstreamCalls = upstream.requests().size();

        GatewayFixture second = gateway("restart:");
        HttpResponse<String> para = ask(second, "How can I reverse a string in Python?");
        assertThat(cache(para)).isEqualTo("semantic-hit");
        assertThat(para.body()).contains("echo: How do I reverse a string in Python?");
        assertThat(upstream.requests()).hasSize(upstreamCalls);
        assertThat(metric(second, "switchboard_cache_semantic_entries")).isEqualTo(1);
    }

    @Test
    void aDamagedFolderIsSetAsideAndTheGatewayServes() throws Exception {
        GatewayFixture first = gateway("damaged:");
        ask(first, "What is the capital of France?");
        awaitEntries(first, 1);
        first.close();
        started.remove(first);
        try (Stream<Path> files = Files.list(indexFolder())) {
            for (Path f : files.filter(f -> !f.getFileName().toString().equals("write.lock")).toList()) {
                Files.write(f, "garbage".getBytes(StandardCharsets.UTF_8));
            }
        }
        deleteKey("damaged:sem");

        GatewayFixture second = gateway("damaged:");
        assertThat(cache(ask(second, "What's the capital of France?"))).as("the old entry is gone").isEqualTo("miss");
        assertThat(metric(second, "switchboard_cache_semantic_index_unreadable_total")).isEqualTo(1);
        assertThat(metric(second, "switchboard_cache_semantic_index_on_disk")).isEqualTo(1);
        awaitEntries(second, 1);
        assertThat(cache(ask(second, "Which city is the capital of France?"))).as("the fresh index works")
                .isEqualTo("semantic-hit");
        try (Stream<Path> names = Files.list(dir.resolve("store.db.semantic-cache"))) {
            assertThat(names.map(p -> p.getFileName().toString())).anyMatch(n -> n.contains(".unreadable-"));
        }
    }

    @Test
    void aSecondGatewayOnTheSameFolderServesWithItsIndexInMemory() throws Exception {
        GatewayFixture first = gateway("twice:");
        assertThat(cache(ask(first, "Explain what a black hole is."))).isEqualTo("miss");
        GatewayFixture second = gateway("twice:");
        ask(second, "Explain how a rainbow forms.");
        assertThat(metric(first, "switchboard_cache_semantic_index_on_disk")).isEqualTo(1);
        assertThat(metric(second, "switchboard_cache_semantic_index_on_disk")).isEqualTo(0);
        assertThat(metric(second, "switchboard_cache_semantic_index_unreadable_total")).isEqualTo(0);
        awaitEntries(second, 2); // its own, and the first's through the feed
        assertThat(cache(ask(second, "Explain what black holes are."))).isEqualTo("semantic-hit");
        awaitEntries(first, 2); // the second's entry, through the feed (the first's index is the one on disk)
        assertThat(cache(ask(first, "Explain how rainbows form."))).isEqualTo("semantic-hit");
    }
}

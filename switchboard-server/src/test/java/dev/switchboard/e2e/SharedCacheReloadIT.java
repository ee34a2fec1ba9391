package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.server.RetirementMargin;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RedisProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reloads that each give a Redis cache stage another prefix: the old store's client and the old semantic feed's client are
 * closed once the old config's stages are, so Redis sees about as many connections from the gateway after 20 such
 * reloads as after the first config.
 */
class SharedCacheReloadIT {
    static final Duration TOTAL = Duration.ofSeconds(3);

    private final FakeUpstream upstream = FakeUpstream.start();
    private final FakeUpstream embeddings = FakeUpstream.start();
    private final RedisProcess redis = new RedisProcess();
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
        redis.close();
        embeddings.close();
        upstream.close();
    }

    private String yaml(String prefix) {
        return """
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                timeouts: { total: %s }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s, models: [gpt-4o] }
                  - { name: emb, type: openai, base_url: %s, api_key: %s, models: [vec-one] }
                keys:
                  - { name: tester, key: %s }
                stages:
                  - type: cache
                    settings:
                      backend: redis
                      url: "%s"
                      prefix: "%s"
                      timeout: 1s
                      cache_sampled: true
                      semantic: { threshold: 0.99, embedder: { model: emb/vec-one, dimensions: 8 } }
                """.formatted(TOTAL.toMillis() + "ms", upstream.baseUrl(), GatewayFixture.UPSTREAM_KEY,
                embeddings.baseUrl(), GatewayFixture.UPSTREAM_KEY, GatewayFixture.KEY, redis.url(), prefix);
    }

    private void reload(String yaml) {
        gateway.gateway().reload(new ConfigLoader(dev.switchboard.catalogue.ProviderCatalogue.bundled(), Map.<String, String>of()::get)
                .parse(yaml));
    }

    private HttpResponse<String> ask() {
        return gateway.post("/v1/chat/completions", "{\"model\":\"fake/gpt-4o\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"shared reload question " + (++prompts) + "\"}]}");
    }

    /** Connections Redis has open, this probe's own not counted. */
    private int redisClients() {
        URI u = URI.create(redis.url());
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write("*2\r\n$4\r\nINFO\r\n$7\r\nclients\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder text = new StringBuilder();
            byte[] buf = new byte[4096];
            Matcher m = Pattern.compile("connected_clients:(\\d+)").matcher("");
            while (!m.reset(text).find()) {
                int n = in.read(buf);
                if (n < 0) {
                    throw new IOException("redis closed the connection");
                }
                text.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
            return Integer.parseInt(m.group(1)) - 1;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void reloadsThatChangeThePrefixCloseTheOldClients() throws Exception {
        embeddings.answerWith(CacheReloadIT::vectors);
        margin = RetirementMargin.set(Duration.ofMillis(300).minus(TOTAL));
        gateway = GatewayFixture.withYaml(yaml("sw:one:"));
        assertThat(ask().statusCode()).isEqualTo(200);
        assertThat(ask().statusCode()).isEqualTo(200);
        Thread.sleep(300); // the feed's first poll
        int first = redisClients();
        assertThat(first).as("the store's and the feed's clients").isGreaterThanOrEqualTo(2);

        for (int i = 0; i < 20; i++) {
            reload(yaml("sw:" + i + ":")); // each a new store and a new feed
            HttpResponse<String> r = ask();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-switchboard-cache")).hasValue("miss");
        }
        // a pool may open a second connection when a write overlaps a poll; 20 configs left open would hold 40 or more
        int bound = first + 2;
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (redisClients() > bound && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertThat(redisClients()).as("about as many connections as the first config had (" + first + ")")
                .isLessThanOrEqualTo(bound);
    }
}

package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RedisProcess;
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
 * Purging a Redis cache through one instance's admin API purges it for every instance: by model, key and
 * everything; a hostile name (a glob, a path, a very long one) purges only a tenant of that exact name, never a
 * pattern's worth. The store's meters and admin stats name it by its stage and backend, never by its URL.
 */
class SharedCachePurgeIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN_KEY = "sk-admin-shared-purge-0123456789ab";
    static final String OTHER = "sk-shared-purge-other-0001";
    @TempDir
    static Path dir;
    static TwoGateways pair;
    static FakeUpstream upstream;
    static RedisProcess redis;
    static GatewayFixture one;
    static GatewayFixture two;
    static int counter;

    @BeforeAll
    static void start() {
        pair = TwoGateways.start("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %1$s, api_key: %2$s, models: [gpt-4o, gpt-4o-mini] }
                keys:
                  - { name: tester, key: %3$s }
                  - { name: other, key: OTHER_KEY }
                stages:
                  - { type: cache, name: shared-redis, settings: { backend: redis, url: "%4$s", ttl: 5m, timeout: 1s } }
                """.replace("OTHER_KEY", OTHER), """
                store: { url: "sqlite:%s" }
                admin: { listen: "127.0.0.1:0", keys: [ { name: ops, key: %s } ] }
                """.formatted(dir.resolve("store.db"), ADMIN_KEY));
        upstream = pair.upstream;
        redis = pair.redis;
        one = pair.one;
        two = pair.two;
    }

    @AfterAll
    static void stop() {
        pair.close();
    }

    static String cache(GatewayFixture g, String key, String model, String text) {
        HttpResponse<String> r = g.send(HttpRequest.newBuilder(URI.create(g.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"temperature\":0,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}")).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("x-switchboard-cache").orElse("(none)");
    }

    static HttpResponse<String> admin(String method, String path, String body) {
        return one.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + one.gateway().adminPort() + path))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    static long purge(String field, String value) throws Exception {
        HttpResponse<String> r = admin("POST", "/admin/cache/purge", JSON.createObjectNode().put(field, value).toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("removed").asLong();
    }

    static String fresh(String text) {
        return text + " " + (++counter) + " " + System.nanoTime();
    }

    @Test
    void aPurgeThroughOneInstanceIsSeenByTheOther() throws Exception {
        String a = fresh("model purge");
        String b = fresh("key purge");
        assertThat(cache(one, GatewayFixture.KEY, "fake/gpt-4o-mini", a)).isEqualTo("miss");
        assertThat(cache(one, OTHER, "fake/gpt-4o", b)).isEqualTo("miss");
        assertThat(cache(two, GatewayFixture.KEY, "fake/gpt-4o-mini", a)).isEqualTo("hit");
        assertThat(cache(two, OTHER, "fake/gpt-4o", b)).isEqualTo("hit");

        assertThat(purge("model", "fake/gpt-4o-mini")).isGreaterThanOrEqualTo(1);
        assertThat(cache(two, GatewayFixture.KEY, "fake/gpt-4o-mini", a)).isEqualTo("miss");
        assertThat(cache(two, OTHER, "fake/gpt-4o", b)).isEqualTo("hit");

        assertThat(purge("key", "cfg:other")).isGreaterThanOrEqualTo(1);
        assertThat(cache(two, OTHER, "fake/gpt-4o", b)).isEqualTo("miss");

        HttpResponse<String> all = admin("POST", "/admin/cache/purge", "{\"all\":true}");
        assertThat(JSON.readTree(all.body()).path("removed").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(cache(two, GatewayFixture.KEY, "fake/gpt-4o-mini", a)).isEqualTo("miss");
    }

    @Test
    void hostileNamesPurgeOnlyATenantOfThatExactName() throws Exception {
        String kept = fresh("kept in redis");
        cache(one, OTHER, "fake/gpt-4o", kept);
        assertThat(cache(two, OTHER, "fake/gpt-4o", kept)).isEqualTo("hit");
        for (String name : new String[] {"*", "cfg:*", "?*", "[c]fg:other", "..", "../../*", "\\*", "x".repeat(256)}) {
            for (String field : new String[] {"key", "team", "model"}) {
                assertThat(purge(field, name)).as(field + " " + name).isZero();
            }
        }
        assertThat(cache(two, OTHER, "fake/gpt-4o", kept)).isEqualTo("hit");
        for (String name : new String[] {"cfg:other\r\nFLUSHALL", "cfg:\u0000other", "y".repeat(257)}) {
            HttpResponse<String> r = admin("POST", "/admin/cache/purge", JSON.createObjectNode().put("key", name).toString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        }
        assertThat(cache(two, OTHER, "fake/gpt-4o", kept)).isEqualTo("hit");
    }

    @Test
    void statsAndMetersNameTheStoreByItsStageNeverItsUrl() throws Exception {
        cache(one, GatewayFixture.KEY, "fake/gpt-4o", fresh("stats"));
        HttpResponse<String> stats = admin("GET", "/admin/cache", null);
        assertThat(stats.statusCode()).isEqualTo(200);
        assertThat(stats.body()).contains("\"store\":\"shared-redis\"").contains("\"backend\":\"redis\"")
                .contains("bytes_written").doesNotContain(redis.url()).doesNotContain("redis://");
        String metrics = one.gateway().metrics().scrape();
        assertThat(metrics).contains("switchboard_cache_written_bytes_total{backend=\"redis\",store=\"shared-redis\"}")
                .contains("switchboard_cache_lookups_total{result=\"miss\",stage=\"shared-redis\"}")
                .doesNotContain("redis://");
    }
}

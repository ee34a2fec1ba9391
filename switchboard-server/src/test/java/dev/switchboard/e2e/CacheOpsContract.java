package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.cli.SwitchboardCli;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreSettings;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.GovHttp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The response cache's accounting and operations through a real gateway, its admin port and a real store: a hit is
 * a usage record with its tokens, no cost and the cost it saved (the ledger, /admin/usage, {@code switchboard usage});
 * by default a hit counts as a request, not tokens, and counts its tokens with {@code hits_consume_tokens}; meters
 * for hits, misses, bypasses, bytes and saved USD; {@code /admin/cache} stats and purges by model, key, team and
 * everything (audited), with hostile names refused or taken literally.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CacheOpsContract {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN_KEY = "sk-admin-cache-ops-0123456789abcdef";
    static final String PLAIN = "sk-cache-ops-plain-0001";
    static final String COUNTING = "sk-cache-ops-counting-0002";
    static final String R1 = "sk-cache-ops-research-0003";
    static final String R2 = "sk-cache-ops-research-0004";
    static final String OTHER = "sk-cache-ops-other-0005";
    static final Duration WAIT = Duration.ofSeconds(30);
    /** USD per million tokens: 1000 micro-USD an input token, 2000 an output token. */
    static final int INPUT_PRICE = 1000;
    static final int OUTPUT_PRICE = 2000;

    Path dir;
    FakeUpstream upstream;
    GatewayFixture gateway;
    Store store;
    int counter;

    abstract String storeYaml(Path dir) throws Exception;

    abstract StoreSettings storeSettings(Path dir);

    void stopDatabase() throws Exception {}

    @BeforeAll
    void start() throws Exception {
        dir = java.nio.file.Files.createTempDirectory("cache-ops");
        upstream = FakeUpstream.start();
        // stages with other settings have stores of their own (a store's meters are named after its first stage)
        String cache = "{ type: cache, name: %s, settings: { %s } }";
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 2 }
                store: { %s, usage_journal: "%s" }
                admin: { listen: "127.0.0.1:0", keys: [ { name: ops, key: %s } ] }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s, models: [gpt-4o, gpt-4o-mini] }
                prices:
                  "fake/gpt-4o": { input: %d, output: %d }
                  "fake/gpt-4o-mini": { input: %d, output: %d }
                keys:
                  - { name: plain, key: %s, limits: { requests_per_minute: 10000, tokens_per_minute: 1000000 }, stages: [%s] }
                  - { name: counting, key: %s, limits: { tokens_per_minute: 1000000 }, stages: [%s] }
                  - { name: r1, key: %s, team: research, stages: [%s] }
                  - { name: r2, key: %s, team: research, stages: [%s] }
                  - { name: other, key: %s, stages: [%s] }
                """.formatted(storeYaml(dir), dir.resolve("usage.journal"), ADMIN_KEY, upstream.baseUrl(),
                GatewayFixture.UPSTREAM_KEY, INPUT_PRICE, OUTPUT_PRICE, INPUT_PRICE, OUTPUT_PRICE,
                PLAIN, cache.formatted("exact", ""), COUNTING, cache.formatted("counting", "hits_consume_tokens: true, max_bytes: 32MiB"),
                R1, cache.formatted("team-cache", "namespace: team, max_bytes: 16MiB"),
                R2, cache.formatted("team-cache", "namespace: team, max_bytes: 16MiB"),
                OTHER, cache.formatted("exact", "")));
        store = Store.open(storeSettings(dir));
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (store != null) {
            store.close();
        }
        upstream.close();
        stopDatabase();
        try (var files = java.nio.file.Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    String fresh(String text) {
        return text + " #" + (++counter) + "-" + System.nanoTime();
    }

    HttpResponse<String> chat(String key, String model, String prompt) {
        String body = "{\"model\":\"" + model + "\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\""
                + prompt + "\"}]}";
        HttpResponse<String> r = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30)).header("authorization", "Bearer " + key)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r;
    }

    static String cache(HttpResponse<String> r) {
        return r.headers().firstValue("x-switchboard-cache").orElse("(none)");
    }

    static String requestId(HttpResponse<String> r) {
        return r.headers().firstValue("x-request-id").orElseThrow();
    }

    static long remaining(HttpResponse<String> r, String what) {
        return Long.parseLong(r.headers().firstValue("x-ratelimit-remaining-" + what).orElseThrow());
    }

    static long remainingTokens(HttpResponse<String> r) {
        return Long.parseLong(r.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow());
    }

    String adminUrl() {
        return "http://127.0.0.1:" + gateway.gateway().adminPort();
    }

    HttpResponse<String> admin(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(adminUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ADMIN_KEY);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return gateway.send(b.build());
    }

    HttpResponse<String> purge(ObjectNode body) {
        return admin("POST", "/admin/cache/purge", body.toString());
    }

    static ObjectNode by(String field, String value) {
        return JSON.createObjectNode().put(field, value);
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    record Row(boolean cacheHit, Long costMicros, Long savedMicros, long prompt, long completion) {}

    Row row(String requestId) {
        try (Connection c = store.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT cache_hit, cost_micros, saved_micros, prompt_tokens, "
                        + "completion_tokens FROM usage WHERE request_id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                boolean hit = rs.getBoolean(1);
                long cost = rs.getLong(2);
                Long costOrNull = rs.wasNull() ? null : cost;
                long saved = rs.getLong(3);
                return new Row(hit, costOrNull, rs.wasNull() ? null : saved, rs.getLong(4), rs.getLong(5));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    Row awaitRow(String requestId) {
        GovHttp.await("the ledger row of " + requestId, WAIT, () -> row(requestId) != null);
        return row(requestId);
    }

    @Test
    void aHitIsRecordedWithItsTokensNoCostAndTheCostItSaved() throws Exception {
        String prompt = fresh("what is a cache");
        HttpResponse<String> miss = chat(PLAIN, "fake/gpt-4o", prompt);
        HttpResponse<String> hit = chat(PLAIN, "fake/gpt-4o", prompt);
        assertThat(cache(miss)).isEqualTo("miss");
        assertThat(cache(hit)).isEqualTo("hit");
        assertThat(upstream.requests().stream().filter(r -> r.body().contains(prompt)).count()).isEqualTo(1);

        Row upstreamRow = awaitRow(requestId(miss));
        Row hitRow = awaitRow(requestId(hit));
        long price = upstreamRow.prompt() * INPUT_PRICE + upstreamRow.completion() * OUTPUT_PRICE;
        assertThat(price).isPositive();
        assertThat(upstreamRow).isEqualTo(new Row(false, price, 0L, upstreamRow.prompt(), upstreamRow.completion()));
        assertThat(hitRow).isEqualTo(new Row(true, 0L, price, upstreamRow.prompt(), upstreamRow.completion()));

        // what a user sees: the admin API and the CLI
        JsonNode totals = json(admin("GET", "/admin/usage?request_id=" + requestId(hit), null)).path("totals");
        assertThat(totals.path("requests").asLong()).isEqualTo(1);
        assertThat(totals.path("cache_hits").asLong()).isEqualTo(1);
        assertThat(totals.path("cost_usd").asDouble()).isZero();
        assertThat(totals.path("saved_usd").asDouble()).isEqualTo(price / 1e6);
        assertThat(totals.path("prompt_tokens").asLong()).isEqualTo(upstreamRow.prompt());
        JsonNode byKey = json(admin("GET", "/admin/usage?group_by=key", null));
        JsonNode plain = null;
        for (JsonNode r : byKey.path("data")) {
            if ("plain".equals(r.path("key").asText())) {
                plain = r;
            }
        }
        assertThat(plain).isNotNull();
        assertThat(plain.path("cache_hits").asLong()).isPositive();
        assertThat(plain.path("saved_usd").asDouble()).isPositive();

        String out = cli("usage", "--request-id", requestId(hit));
        assertThat(out).contains("CACHE HITS").contains("SAVED USD")
                .contains(String.format(java.util.Locale.ROOT, "%.6f", price / 1e6));
    }

    @Test
    void byDefaultAHitCountsAsARequestNotItsTokens() {
        String prompt = fresh("count me as a request");
        chat(PLAIN, "fake/gpt-4o", prompt);
        HttpResponse<String> first = chat(PLAIN, "fake/gpt-4o", prompt);
        HttpResponse<String> second = chat(PLAIN, "fake/gpt-4o", prompt);
        HttpResponse<String> third = chat(PLAIN, "fake/gpt-4o", prompt);
        assertThat(java.util.List.of(cache(first), cache(second), cache(third))).containsOnly("hit");
        // each hit holds the same estimate while it runs and gives it all back: what remains does not fall
        assertThat(remainingTokens(third)).isEqualTo(remainingTokens(second));
        // but each is a request
        assertThat(remaining(second, "requests")).isEqualTo(remaining(first, "requests") - 1);
        assertThat(remaining(third, "requests")).isEqualTo(remaining(second, "requests") - 1);
    }

    @Test
    void withHitsConsumeTokensAHitsTokensCountAgainstTheLimitButNotItsMoney() throws Exception {
        String prompt = fresh("count my tokens");
        HttpResponse<String> miss = chat(COUNTING, "fake/gpt-4o", prompt);
        Row made = awaitRow(requestId(miss));
        long tokens = made.prompt() + made.completion();
        HttpResponse<String> first = chat(COUNTING, "fake/gpt-4o", prompt);
        HttpResponse<String> second = chat(COUNTING, "fake/gpt-4o", prompt);
        HttpResponse<String> third = chat(COUNTING, "fake/gpt-4o", prompt);
        assertThat(java.util.List.of(cache(first), cache(second), cache(third))).containsOnly("hit");
        assertThat(remainingTokens(second) - remainingTokens(third)).isEqualTo(tokens);
        assertThat(remainingTokens(first) - remainingTokens(second)).isEqualTo(tokens);
        Row hit = awaitRow(requestId(third));
        assertThat(hit.cacheHit()).isTrue();
        assertThat(hit.costMicros()).as("never money").isZero();
        assertThat(third.headers().firstValue("x-switchboard-cost-usd").orElse("0.000000")).isEqualTo("0.000000");
    }

    @Test
    void metricsCountHitsMissesBypassesBytesAndSavedUsd() {
        String prompt = fresh("measure me");
        chat(OTHER, "fake/gpt-4o", prompt);
        chat(OTHER, "fake/gpt-4o", prompt);
        gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + OTHER).header("content-type", "application/json")
                .header("cache-control", "no-store")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"fake/gpt-4o\",\"temperature\":0,\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}")).build());
        String metrics = gateway.gateway().metrics().scrape();
        assertThat(metric(metrics, "switchboard_cache_lookups_total{result=\"hit\",stage=\"exact\"}")).isPositive();
        assertThat(metric(metrics, "switchboard_cache_lookups_total{result=\"miss\",stage=\"exact\"}")).isPositive();
        assertThat(metric(metrics, "switchboard_cache_lookups_total{result=\"bypass\",stage=\"exact\"}")).isPositive();
        assertThat(metric(metrics, "switchboard_cache_stored_bytes{backend=\"memory\",store=\"exact\"}")).isPositive();
        assertThat(metric(metrics, "switchboard_cache_writes_total{backend=\"memory\",store=\"exact\"}")).isPositive();
        assertThat(metrics).contains("switchboard_cache_evictions_total{backend=\"memory\",store=\"exact\"}");
        assertThat(metric(metrics, "switchboard_stage_replays_saved_usd_total{stage=\"exact\"}")).isPositive();
        assertThat(metric(metrics, "switchboard_stage_replays_total{stage=\"exact\"}")).isPositive();
        // labels are the operator's names only: no key, no prompt
        assertThat(metrics).doesNotContain(prompt).doesNotContain(OTHER);
    }

    static double metric(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no series " + series + " in\n" + scrape);
    }

    @Test
    void theAdminApiShowsStatsAndPurgesByModelKeyTeamAndEverythingAudited() throws Exception {
        String a = fresh("purge by model");
        String b = fresh("purge by key");
        String c = fresh("purge by team");
        chat(OTHER, "fake/gpt-4o-mini", a);
        chat(PLAIN, "fake/gpt-4o", b);
        chat(R1, "fake/gpt-4o", c);
        assertThat(cache(chat(R2, "fake/gpt-4o", c))).as("the team shares").isEqualTo("hit");

        JsonNode stats = json(admin("GET", "/admin/cache", null));
        assertThat(stats.path("stages").findValuesAsText("stage")).contains("exact", "team-cache");
        JsonNode memory = null;
        for (JsonNode s : stats.path("stores")) {
            memory = "team-cache".equals(s.path("store").asText()) ? s : memory;
        }
        assertThat(memory).as(stats.toString()).isNotNull();
        assertThat(memory.path("backend").asText()).isEqualTo("memory");
        assertThat(memory.path("entries").asLong()).isPositive();
        assertThat(memory.path("bytes").asLong()).isPositive();
        assertThat(stats.toString()).doesNotContain("redis://");

        HttpResponse<String> byModel = purge(by("model", "fake/gpt-4o-mini"));
        assertThat(byModel.statusCode()).as(byModel.body()).isEqualTo(200);
        assertThat(json(byModel).path("removed").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(cache(chat(OTHER, "fake/gpt-4o-mini", a))).isEqualTo("miss");
        assertThat(cache(chat(PLAIN, "fake/gpt-4o", b))).as("another model's answer stays").isEqualTo("hit");

        assertThat(json(purge(by("key", "cfg:plain"))).path("removed").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(cache(chat(PLAIN, "fake/gpt-4o", b))).isEqualTo("miss");
        assertThat(cache(chat(R1, "fake/gpt-4o", c))).as("another tenant's answer stays").isEqualTo("hit");

        assertThat(json(purge(by("team", "research"))).path("removed").asLong()).isEqualTo(1);
        assertThat(cache(chat(R2, "fake/gpt-4o", c))).isEqualTo("miss");

        HttpResponse<String> all = purge(JSON.createObjectNode().put("all", true));
        assertThat(json(all).path("removed").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(cache(chat(OTHER, "fake/gpt-4o-mini", a))).isEqualTo("miss");

        JsonNode audit = json(admin("GET", "/admin/audit?limit=10000", null)).path("data");
        java.util.List<String> purges = new java.util.ArrayList<>();
        for (JsonNode e : audit) {
            if ("cache.purge".equals(e.path("action").asText())) {
                assertThat(e.path("actor").asText()).startsWith("admin:"); // the admin key's name-less id
                purges.add(e.path("target_id").asText());
            }
        }
        assertThat(purges).contains("fake/gpt-4o-mini", "cfg:plain", "research", "*");
    }

    @Test
    void hostileNamesAreTakenLiterallyOrRefused() throws Exception {
        String kept = fresh("keep me");
        chat(OTHER, "fake/gpt-4o", kept);
        // a glob or a path is a name like any other: it purges that (absent) tenant, nothing else
        for (String name : new String[] {"*", "..", "../..", "cfg:*", "[a-z]*", "\\*", "?"}) {
            for (String field : new String[] {"team", "key", "model"}) {
                HttpResponse<String> r = purge(by(field, name));
                assertThat(r.statusCode()).as(field + " " + name + ": " + r.body()).isEqualTo(200);
                assertThat(json(r).path("removed").asLong()).as(field + " " + name).isZero();
            }
        }
        assertThat(cache(chat(OTHER, "fake/gpt-4o", kept))).isEqualTo("hit");
        // control characters and overlong names are refused before they reach a store or the audit log
        for (String name : new String[] {"a\r\nb", "a\u0000b", "line\nfeed", "x".repeat(257), ""}) {
            HttpResponse<String> r = purge(by("team", name));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(json(r).path("error").path("type").asText()).isEqualTo("invalid_request_error");
        }
        assertThat(purge(JSON.createObjectNode().put("team", "a").put("key", "b")).statusCode()).isEqualTo(400);
        assertThat(purge(JSON.createObjectNode().put("everything", true)).statusCode()).isEqualTo(400);
        assertThat(purge(JSON.createObjectNode().put("all", false)).statusCode()).isEqualTo(400);
        assertThat(purge(JSON.createObjectNode().put("all", "yes")).statusCode()).isEqualTo(400);
        assertThat(purge(JSON.createObjectNode().putNull("team")).statusCode()).isEqualTo(400);
        assertThat(admin("POST", "/admin/cache/purge", "not json").statusCode()).isEqualTo(400);
        assertThat(admin("GET", "/admin/cache/purge", null).statusCode()).isEqualTo(405);
        HttpResponse<String> noKey = gateway.send(HttpRequest.newBuilder(URI.create(adminUrl() + "/admin/cache/purge"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"all\":true}")).build());
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(cache(chat(OTHER, "fake/gpt-4o", kept))).as("nothing purged by the refused calls").isEqualTo("hit");
    }

    @Test
    void theCliShowsStatsAndPurges() {
        String prompt = fresh("cli purge");
        chat(R1, "fake/gpt-4o", prompt);
        String stats = cli("cache", "stats");
        assertThat(stats).contains("STAGE").contains("team-cache").contains("BACKEND").contains("memory");
        String purged = cli("cache", "purge", "--team", "research");
        assertThat(purged).contains("Purged team research").contains("entries removed");
        assertThat(cache(chat(R2, "fake/gpt-4o", prompt))).isEqualTo("miss");
        assertThat(cli("cache", "purge", "--all")).contains("Purged all");
    }

    /** Runs the CLI against the admin port; its stdout and stderr. */
    String cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
            java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
            all.addAll(java.util.List.of("--admin-url", adminUrl(), "--admin-key", ADMIN_KEY));
            int code = SwitchboardCli.run(all.toArray(String[]::new));
            String text = buf.toString(StandardCharsets.UTF_8);
            assertThat(code).as(text).isZero();
            return text;
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreSettings;
import dev.switchboard.store.ledger.UsageGroupBy;
import dev.switchboard.store.ledger.UsageRow;
import dev.switchboard.testing.FakeGeminiUpstream;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.GovHttp;
import dev.switchboard.tokens.TokenEstimator;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Gemini's embeddings report no token counts: the gateway answers with its own estimate of the input in
 * {@code usage}, charges it (cost, budgets) and records the ledger row as estimated. An OpenAI upstream's reported
 * usage is recorded as reported, not estimated. Through a real gateway, fake upstreams and a real store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EstimatedUsageLedgerContract {
    static final String MODEL = "gemini-embedding-001";
    static final String FREE = "sk-free-key-0001";      // no limits: the estimate is made when the answer comes
    static final String BUDGETED = "sk-budget-key-0002"; // a budget: admission's estimate is reused
    /** USD per million input tokens: 1000 micro-USD a token. */
    static final int PRICE = 1000;
    static final Duration WAIT = Duration.ofSeconds(30);
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final TokenEstimator TOKENS = new TokenEstimator();

    Path dir;
    FakeGeminiUpstream gemini;
    FakeUpstream openAi;
    GatewayFixture gateway;
    Store store;

    abstract String storeYaml(Path dir) throws Exception;

    abstract StoreSettings storeSettings(Path dir);

    void stopDatabase() throws Exception {}

    @BeforeAll
    void start() throws Exception {
        dir = java.nio.file.Files.createTempDirectory("estimated-usage");
        gemini = FakeGeminiUpstream.start();
        openAi = FakeUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                store: { %s, usage_journal: "%s", key_refresh: 100ms }
                providers:
                  - { name: google, type: gemini, base_url: %s, api_key: %s }
                  - { name: fake, type: openai, base_url: %s, api_key: %s }
                prices:
                  "google/%s": { input: %d, output: 0 }
                  "fake/text-embedding-3-small": { input: %d, output: 0 }
                keys:
                  - { name: free, key: %s }
                  - { name: budgeted, key: %s, budget: { usd: 100, period: day } }
                """.formatted(storeYaml(dir), dir.resolve("usage.journal"), gemini.baseUrl(), FakeGeminiUpstream.API_KEY,
                openAi.baseUrl(), GatewayFixture.UPSTREAM_KEY, MODEL, PRICE, PRICE, FREE, BUDGETED));
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
        gemini.close();
        openAi.close();
        stopDatabase();
        try (var files = java.nio.file.Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static long tokens(List<String> texts) {
        return texts.stream().mapToLong(t -> TOKENS.count(MODEL, t)).sum();
    }

    HttpResponse<String> embed(String key, String model, List<String> texts) {
        ObjectNode body = MAPPER.createObjectNode().put("model", model);
        texts.forEach(body.putArray("input")::add);
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/embeddings"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    /** The answer's usage, checked against {@code expected}; returns the gateway's request id. */
    static String assertUsage(HttpResponse<String> res, long expected) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode usage = MAPPER.readTree(res.body()).path("usage");
        assertThat(usage.path("prompt_tokens").asLong()).as(res.body().substring(Math.max(0, res.body().length() - 200)))
                .isEqualTo(expected);
        assertThat(usage.path("total_tokens").asLong()).isEqualTo(expected);
        return res.headers().firstValue("x-request-id").orElseThrow(); // the gateway's own id: the caller sent none
    }

    @Test
    void geminiEmbeddingsCarryTheEstimateAndTheLedgerSaysEstimated() throws Exception {
        List<String> texts = List.of("The quick brown fox", "jumps over the lazy dog, twice.");
        long expected = tokens(texts);
        assertThat(expected).isPositive();

        HttpResponse<String> res = embed(FREE, "google/" + MODEL, texts);
        String id = assertUsage(res, expected);
        assertThat(res.headers().firstValue("x-switchboard-cost-usd")).as("charged at the estimate")
                .hasValue(String.format(java.util.Locale.ROOT, "%.6f", expected * PRICE / 1e6));

        GovHttp.await("the ledger row", WAIT, () -> row(id) != null);
        assertThat(row(id)).isEqualTo(new Row(expected, 0, false, true, expected * PRICE));
    }

    @Test
    void theOfficialSdkSeesTheEstimate() {
        OpenAIClient client = gateway.openAiClient(FREE);
        CreateEmbeddingResponse res = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("google/" + MODEL).input("hello embeddings").build());

        assertThat(res.usage().promptTokens()).isEqualTo(tokens(List.of("hello embeddings"))).isPositive();
        assertThat(res.usage().totalTokens()).isEqualTo(res.usage().promptTokens());
        assertThat(res.data()).hasSize(1);
    }

    @Test
    void aLargeInputIsEstimatedOffTheEventLoopWithTheSameResult() throws Exception {
        List<String> texts = List.of("lorem ipsum dolor sit amet ".repeat(400), "second text"); // > 4 KB: the workers
        String id = assertUsage(embed(FREE, "google/" + MODEL, texts), tokens(texts));
        GovHttp.await("the ledger row", WAIT, () -> row(id) != null);
        assertThat(row(id).estimated()).isTrue();
    }

    @Test
    void aBudgetedKeyIsChargedTheEstimate() throws Exception {
        List<String> texts = List.of("budgeted words to embed");
        long expected = tokens(texts);
        String id = assertUsage(embed(BUDGETED, "google/" + MODEL, texts), expected);

        GovHttp.await("the ledger row", WAIT, () -> row(id) != null);
        assertThat(row(id)).isEqualTo(new Row(expected, 0, false, true, expected * PRICE));
        UsageRow report = store.usage().usage(null, null, UsageGroupBy.KEY, id, null).totals();
        assertThat(report.estimatedRequests()).isEqualTo(1);
        assertThat(report.promptTokens()).isEqualTo(expected);
    }

    @Test
    void reportedUsageOfAnotherProviderIsNotMarkedEstimated() throws Exception {
        HttpResponse<String> res = embed(FREE, "fake/text-embedding-3-small", List.of("a", "b"));
        String id = assertUsage(res, 10); // the fake OpenAI upstream reports 5 a text

        GovHttp.await("the ledger row", WAIT, () -> row(id) != null);
        assertThat(row(id)).isEqualTo(new Row(10, 0, true, false, 10L * PRICE));
        assertThat(store.usage().usage(null, null, UsageGroupBy.KEY, id, null).totals().estimatedRequests()).isZero();
    }

    @Test
    void theAdminReportCountsEstimatedRequests() throws Exception {
        String id = assertUsage(embed(FREE, "google/" + MODEL, List.of("count me")), tokens(List.of("count me")));
        GovHttp.await("the ledger row", WAIT, () -> row(id) != null);
        assertThat(store.usage().usage(null, null, UsageGroupBy.MODEL).rows())
                .filteredOn(r -> ("google/" + MODEL).equals(r.group()))
                .singleElement().satisfies(r -> assertThat(r.estimatedRequests()).isEqualTo(r.requests()).isPositive());
    }

    record Row(long prompt, long completion, boolean reported, boolean estimated, long costMicros) {}

    Row row(String requestId) {
        try (Connection c = store.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT prompt_tokens, completion_tokens, usage_reported, "
                        + "usage_estimated, cost_micros FROM usage WHERE request_id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Row(rs.getLong(1), rs.getLong(2), rs.getBoolean(3), rs.getBoolean(4), rs.getLong(5))
                        : null;
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

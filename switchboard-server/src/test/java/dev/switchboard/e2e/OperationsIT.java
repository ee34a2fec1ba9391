package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Probes, Prometheus metrics with GenAI names and labels, and a request id on every response. */
class OperationsIT {
    static FakeUpstream upstream;
    static GatewayFixture gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.openAi(upstream);
        client = gateway.openAiClient();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static HttpResponse<String> unauthenticatedGet(String path) {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path)).GET().build());
    }

    @Test
    void healthAndReadinessNeedNoKey() {
        HttpResponse<String> health = unauthenticatedGet("/healthz");
        HttpResponse<String> ready = unauthenticatedGet("/readyz");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"ready\"}");
    }

    /** The value of the first sample of this metric whose labels contain all of these label pairs, or 0. */
    static double sample(String scrape, String metric, String... labelPairs) {
        Pattern line = Pattern.compile("^" + Pattern.quote(metric) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(scrape);
        while (m.find()) {
            String labels = m.group(1);
            boolean all = true;
            for (int i = 0; i + 1 < labelPairs.length; i += 2) {
                all &= labels.contains(labelPairs[i] + "=\"" + labelPairs[i + 1] + "\"");
            }
            if (all) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }

    /** How much a sample grew between two scrapes. */
    static double delta(String before, String after, String metric, String... labelPairs) {
        return sample(after, metric, labelPairs) - sample(before, metric, labelPairs);
    }

    @Test
    void metricsUseGenAiNamesWithProviderAndModelLabels() {
        String before = unauthenticatedGet("/metrics").body();
        int events = gateway.usage().events().size();
        for (int i = 0; i < 2; i++) {
            client.chat().completions().create(ChatCompletionCreateParams.builder().model("smart").addUserMessage("hi").build());
        }
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("fake/gpt-4o").addUserMessage("hi").build())) {
            s.stream().forEach(c -> { });
        }
        client.embeddings().create(EmbeddingCreateParams.builder().model("fake/text-embedding-3-small").input("x")
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        gateway.usage().awaitEvents(events + 4, Duration.ofSeconds(5));

        HttpResponse<String> res = unauthenticatedGet("/metrics");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        String scrape = res.body();

        assertThat(scrape).contains("gen_ai_server_request_duration", "gen_ai_server_time_to_first_token", "gen_ai_client_token_usage");
        assertThat(delta(before, scrape, "gen_ai_server_request_duration_seconds_count",
                "gen_ai_provider_name", "fake", "gen_ai_request_model", "smart", "gen_ai_operation_name", "chat",
                "http_response_status_code", "200")).isEqualTo(2);
        assertThat(delta(before, scrape, "gen_ai_server_request_duration_seconds_count",
                "gen_ai_provider_name", "fake", "gen_ai_request_model", "fake/text-embedding-3-small",
                "gen_ai_operation_name", "embeddings")).isEqualTo(1);
        assertThat(delta(before, scrape, "gen_ai_server_time_to_first_token_seconds_count",
                "gen_ai_provider_name", "fake", "gen_ai_request_model", "fake/gpt-4o")).isEqualTo(1);
        assertThat(delta(before, scrape, "gen_ai_client_token_usage_tokens_sum",
                "gen_ai_provider_name", "fake", "gen_ai_request_model", "smart", "gen_ai_token_type", "input")).isEqualTo(22);
        assertThat(delta(before, scrape, "gen_ai_client_token_usage_tokens_sum",
                "gen_ai_provider_name", "fake", "gen_ai_request_model", "smart", "gen_ai_token_type", "output")).isEqualTo(14);
        assertThat(delta(before, scrape, "gen_ai_client_token_usage_tokens_sum",
                "gen_ai_provider_name", "fake", "gen_ai_request_model", "fake/gpt-4o", "gen_ai_token_type", "input")).isEqualTo(11);
    }

    @Test
    void metricsNeverCarryKeys() {
        int events = gateway.usage().events().size();
        client.chat().completions().create(ChatCompletionCreateParams.builder().model("smart").addUserMessage("hi").build());
        gateway.post("/v1/chat/completions", "{\"model\":\"" + GatewayFixture.UPSTREAM_KEY + "\",\"messages\":[]}");
        gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer sk-wrong-" + GatewayFixture.KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        gateway.usage().awaitEvents(events + 1, Duration.ofSeconds(5));

        String scrape = unauthenticatedGet("/metrics").body();
        assertThat(scrape).contains("gen_ai_server_request_duration");
        assertThat(scrape).doesNotContain(GatewayFixture.KEY, GatewayFixture.UPSTREAM_KEY);
    }

    @Test
    void everyResponseCarriesARequestId() {
        upstream.enqueue(FakeUpstream.error(500, "upstream exploded"));
        String chat = "{\"model\":\"fake/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        List<HttpResponse<String>> responses = new ArrayList<>();
        responses.add(unauthenticatedGet("/healthz"));
        responses.add(unauthenticatedGet("/readyz"));
        responses.add(unauthenticatedGet("/metrics"));
        responses.add(gateway.get("/v1/models"));
        responses.add(gateway.get("/v1/models/smart"));
        responses.add(gateway.post("/v1/chat/completions", chat)); // upstream 500
        responses.add(gateway.post("/v1/chat/completions", chat));
        responses.add(gateway.post("/v1/chat/completions", chat.replace("{\"model\"", "{\"stream\":true,\"model\"")));
        responses.add(gateway.post("/v1/embeddings", "{\"model\":\"fake/text-embedding-3-small\",\"input\":\"x\"}"));
        responses.add(unauthenticatedGet("/v1/models")); // 401 no key
        responses.add(gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer sk-not-a-key").POST(HttpRequest.BodyPublishers.ofString(chat)).build())); // 401
        responses.add(gateway.get("/v1/nothing-here")); // 404
        responses.add(gateway.get("/v1/models/no-such-model")); // 404
        responses.add(gateway.post("/v1/chat/completions", chat.replace("fake/gpt-4o", "nope/gpt-4o"))); // 404 model
        responses.add(gateway.post("/v1/chat/completions", "{not json")); // 400
        responses.add(gateway.get("/v1/chat/completions")); // 405

        List<Integer> statuses = new ArrayList<>(responses.stream().map(HttpResponse::statusCode).toList());
        assertThat(statuses.remove(5)).as("the upstream's 500").isBetween(500, 599);
        assertThat(statuses).containsExactly(200, 200, 200, 200, 200, 200, 200, 200, 401, 401, 404, 404, 404, 400, 405);
        List<String> ids = responses.stream()
                .map(r -> r.headers().firstValue("x-request-id").orElse(null)).toList();
        assertThat(ids).as("x-request-id of each response").doesNotContainNull().allSatisfy(id -> assertThat(id).isNotBlank());
        assertThat(ids).doesNotHaveDuplicates();
    }

    @Test
    void aPlainCallerRequestIdIsKeptAndAnUnsafeOneReplaced() {
        String chat = "{\"model\":\"fake/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> kept = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + GatewayFixture.KEY).header("x-request-id", "trace-abc_123.4")
                .POST(HttpRequest.BodyPublishers.ofString(chat)).build());
        HttpResponse<String> replaced = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + GatewayFixture.KEY).header("x-request-id", "bad id\twith spaces")
                .POST(HttpRequest.BodyPublishers.ofString(chat)).build());

        assertThat(kept.headers().firstValue("x-request-id")).hasValue("trace-abc_123.4");
        assertThat(replaced.headers().firstValue("x-request-id")).hasValueSatisfying(id -> {
            assertThat(id).isNotBlank().isNotEqualTo("bad id\twith spaces");
            assertThat(id).matches("[A-Za-z0-9._-]+");
        });
    }
}

package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.models.ErrorType;
import com.anthropic.models.models.ModelInfo;
import com.anthropic.models.models.ModelListPage;
import com.anthropic.models.models.ModelListParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.models.models.Model;
import dev.switchboard.testing.ErrorBodies;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RawHttp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GET /v1/models in Anthropic's dialect: the anthropic-java SDK's models().list() (with its pagination) and
 * models().retrieve() against the gateway, errors in Anthropic's shape, and hostile queries and ids answered with a
 * clear 4xx. OpenAI callers keep OpenAI's list.
 */
class AnthropicModelsIT {
    static final String LIMITED_KEY = "sk-limited-key-789";
    static final int ALIASES = 23; // with the two provider models: 25, more than one default page of 20
    static final ObjectMapper MAPPER = new ObjectMapper();
    static FakeUpstream upstream;
    static GatewayFixture gateway;
    static AnthropicClient client;
    static List<String> expected;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        StringBuilder aliases = new StringBuilder();
        for (int i = 0; i < ALIASES; i++) {
            aliases.append("  - { name: alias-%02d, target: fake/gpt-4o }\n".formatted(i));
        }
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - name: fake
                    type: openai
                    base_url: %s
                    api_key: %s
                    models: [gpt-4o, text-embedding-3-small]
                models:
                %skeys:
                  - { name: tester, key: %s }
                  - { name: limited, key: %s, models: [alias-03] }
                """.formatted(upstream.baseUrl(), GatewayFixture.UPSTREAM_KEY, aliases, GatewayFixture.KEY, LIMITED_KEY));
        client = client(GatewayFixture.KEY);
        // the gateway's own order, as the OpenAI list gives it
        expected = gateway.openAiClient().models().list().data().stream().map(Model::id).toList();
    }

    @AfterAll
    static void stop() {
        client.close();
        gateway.close();
        upstream.close();
    }

    static AnthropicClient client(String key) {
        return AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey(key).maxRetries(0).build();
    }

    /** Sent as written (no client-side URI checks), with Anthropic's headers unless {@code anthropic} is false. */
    static RawHttp.Response rawGet(String pathAndQuery, boolean anthropic) {
        try (RawHttp raw = RawHttp.connect(gateway.port())) {
            raw.write("GET " + pathAndQuery + " HTTP/1.1\r\nHost: x\r\n"
                    + (anthropic ? "x-api-key: " + GatewayFixture.KEY + "\r\nanthropic-version: 2023-06-01\r\n"
                    : "Authorization: Bearer " + GatewayFixture.KEY + "\r\n") + "\r\n");
            return raw.readResponse(Duration.ofSeconds(10));
        }
    }

    static RawHttp.Response anthropicGet(String pathAndQuery) {
        return rawGet(pathAndQuery, true);
    }

    /** Anthropic's error shape: {"type":"error","error":{"type","message"}}, JSON, no secrets. */
    static JsonNode assertAnthropicError(RawHttp.Response res, int status, String type) throws Exception {
        assertThat(res.status()).as(res.body()).isEqualTo(status);
        assertThat(res.header("content-type")).startsWith("application/json");
        return assertAnthropicError(res.body(), type);
    }

    static JsonNode assertAnthropicError(HttpResponse<String> res, int status, String type) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        return assertAnthropicError(res.body(), type);
    }

    static JsonNode assertAnthropicError(String body, String type) throws Exception {
        ErrorBodies.assertNoSecrets(body);
        JsonNode root = MAPPER.readTree(body);
        assertThat(root.path("type").asText()).as(body).isEqualTo("error");
        assertThat(root.path("error").path("type").asText()).as(body).isEqualTo(type);
        assertThat(root.path("error").path("message").asText()).isNotBlank();
        return root.path("error");
    }

    static void assertSdkError(Throwable e, int status, ErrorType type) {
        AnthropicServiceException a = (AnthropicServiceException) e;
        assertThat(a.statusCode()).isEqualTo(status);
        assertThat(a.errorType()).as(a.body().toString()).contains(type);
        assertThat(a.apiMessage()).hasValueSatisfying(m -> assertThat(m).isNotBlank());
    }

    @Test
    void sdkListPagesThroughEveryModelTheKeyMayUse() {
        ModelListPage first = client.models().list();

        assertThat(first.data()).hasSize(20); // Anthropic's default page
        assertThat(first.hasMore()).contains(true);
        assertThat(first.firstId()).contains(expected.get(0));
        assertThat(first.lastId()).contains(expected.get(19));
        List<String> all = new ArrayList<>();
        first.autoPager().stream().forEach(m -> all.add(m.id()));
        assertThat(expected).hasSize(ALIASES + 2);
        assertThat(all).containsExactlyElementsOf(expected);
        assertThat(upstream.requests()).as("the list is the gateway's own").isEmpty();
    }

    @Test
    void sdkModelInfoHasEveryFieldTheSdkRequires() {
        ModelInfo m = client.models().list(ModelListParams.builder().limit(1L).build()).data().get(0).validate();

        assertThat(m.id()).isEqualTo(expected.get(0));
        assertThat(m.displayName()).isEqualTo(m.id());
        assertThat(m.createdAt()).isEqualTo(OffsetDateTime.parse("2023-11-14T22:13:20Z"));
        assertThat(m.lifecycle()).isEqualTo(ModelInfo.Lifecycle.ACTIVE);
        assertThat(m._type().toString()).contains("model");
    }

    @Test
    void sdkPagesForwardAndBackWithCursors() {
        ModelListPage page = client.models().list(ModelListParams.builder().limit(5L).afterId(expected.get(2)).build());
        assertThat(page.data()).extracting(ModelInfo::id).containsExactlyElementsOf(expected.subList(3, 8));
        assertThat(page.hasMore()).contains(true);

        ModelListPage back = client.models().list(ModelListParams.builder().limit(5L).beforeId(expected.get(2)).build());
        assertThat(back.data()).extracting(ModelInfo::id).containsExactlyElementsOf(expected.subList(0, 2));
        assertThat(back.hasMore()).contains(false);

        ModelListPage last = client.models().list(ModelListParams.builder().limit(1000L).afterId(expected.get(20)).build());
        assertThat(last.data()).extracting(ModelInfo::id).containsExactlyElementsOf(expected.subList(21, expected.size()));
        assertThat(last.hasMore()).contains(false);
        assertThat(last.hasNextPage()).isFalse();

        ModelListPage empty = client.models().list(ModelListParams.builder().afterId(expected.getLast()).build());
        assertThat(empty.data()).isEmpty();
        assertThat(empty.firstId()).isEmpty();
        assertThat(empty.lastId()).isEmpty();
    }

    @Test
    void sdkRetrieveGivesOneModelInfo() {
        ModelInfo alias = client.models().retrieve("alias-07").validate();
        assertThat(alias.id()).isEqualTo("alias-07");
        assertThat(alias.lifecycle()).isEqualTo(ModelInfo.Lifecycle.ACTIVE);

        ModelInfo withSlash = client.models().retrieve("fake/gpt-4o").validate();
        assertThat(withSlash.id()).isEqualTo("fake/gpt-4o");
        assertThat(withSlash.displayName()).isNotBlank();
    }

    @Test
    void sdkRetrieveOfAnUnknownOrForbiddenModelIsNotFound() {
        assertThatThrownBy(() -> client.models().retrieve("claude-nonexistent"))
                .isInstanceOf(NotFoundException.class)
                .satisfies(e -> assertSdkError(e, 404, ErrorType.NOT_FOUND_ERROR));
        AnthropicClient limited = client(LIMITED_KEY);
        try {
            assertThat(limited.models().list().data()).extracting(ModelInfo::id).containsExactly("alias-03");
            assertThatThrownBy(() -> limited.models().retrieve("fake/gpt-4o"))
                    .isInstanceOf(NotFoundException.class)
                    .satisfies(e -> assertSdkError(e, 404, ErrorType.NOT_FOUND_ERROR));
            // a cursor the key may not see is as unknown as one that does not exist
            assertThatThrownBy(() -> limited.models().list(ModelListParams.builder().afterId("alias-04").build()))
                    .isInstanceOf(BadRequestException.class)
                    .satisfies(e -> assertSdkError(e, 400, ErrorType.INVALID_REQUEST_ERROR));
        } finally {
            limited.close();
        }
    }

    @Test
    void sdkWithABadKeyGetsAnAnthropicAuthenticationError() {
        for (String key : List.of("sk-wrong", "")) {
            AnthropicClient other = client(key);
            try {
                assertThatThrownBy(() -> other.models().list()).as(key)
                        .isInstanceOf(UnauthorizedException.class)
                        .satisfies(e -> assertSdkError(e, 401, ErrorType.AUTHENTICATION_ERROR));
                assertThatThrownBy(() -> other.models().retrieve("alias-01")).as(key)
                        .isInstanceOf(UnauthorizedException.class)
                        .satisfies(e -> assertSdkError(e, 401, ErrorType.AUTHENTICATION_ERROR));
            } finally {
                other.close();
            }
        }
    }

    @Test
    void rawUnauthenticatedAnthropicCallGetsAnthropicsErrorShape() throws Exception {
        for (String path : List.of("/v1/models", "/v1/models/alias-01")) {
            HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                    .header("x-api-key", "sk-wrong").header("anthropic-version", "2023-06-01").GET().build());
            assertAnthropicError(res, 401, "authentication_error");
        }
    }

    @Test
    void rawAnthropicListHasAnthropicsShape() throws Exception {
        RawHttp.Response res = anthropicGet("/v1/models?limit=3");

        assertThat(res.status()).isEqualTo(200);
        JsonNode body = MAPPER.readTree(res.body());
        assertThat(body.has("object")).as("no OpenAI 'object' at the top").isFalse();
        assertThat(body.path("data")).hasSize(3).allSatisfy(m -> {
            assertThat(m.path("type").asText()).isEqualTo("model");
            assertThat(m.path("display_name").asText()).isNotBlank();
            assertThat(OffsetDateTime.parse(m.path("created_at").asText())).isNotNull(); // RFC 3339
            assertThat(m.has("object") || m.has("owned_by") || m.has("created")).as("no OpenAI fields").isFalse();
        });
        assertThat(body.path("has_more").asBoolean()).isTrue();
        assertThat(body.path("first_id").asText()).isEqualTo(expected.get(0));
        assertThat(body.path("last_id").asText()).isEqualTo(expected.get(2));
    }

    @Test
    void lifecycleFilterKeepsOnlyWhatWasAskedFor() throws Exception {
        assertThat(MAPPER.readTree(anthropicGet("/v1/models?lifecycle[]=deprecated").body()).path("data")).isEmpty();
        assertThat(MAPPER.readTree(anthropicGet("/v1/models?lifecycle%5B%5D=active&limit=2").body()).path("data")).hasSize(2);
        assertAnthropicError(anthropicGet("/v1/models?lifecycle[]=forever"), 400, "invalid_request_error");
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=-1", "limit=1001", "limit=abc", "limit=99999999999999999999", "limit=",
            "limit=1.5", "limit=%2B5", "limit=5&limit=6", "limit=%00", "after_id=nope", "before_id=nope", "after_id=",
            "after_id=alias-01&before_id=alias-05", "after_id=%zz", "after_id=%0D%0Aset-cookie:%20x",
            "after_id=..%2F..%2Fetc"})
    void badQueriesAreClear400sInAnthropicsShape(String query) throws Exception {
        JsonNode error = assertAnthropicError(anthropicGet("/v1/models?" + query), 400, "invalid_request_error");
        assertThat(error.path("message").asText()).doesNotContain("\r").doesNotContain("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "..%2F..%2Fetc%2Fpasswd", "%00", "a%0D%0Ab", "%zz", "fake%2F..%2Fgpt-4o", "%E2%80%AE"})
    void hostileIdsAreNotFoundInAnthropicsShape(String id) throws Exception {
        assertAnthropicError(anthropicGet("/v1/models/" + id), 404, "not_found_error");
    }

    @Test
    void aLongIdIsNotFoundAndNotEchoedWhole() throws Exception {
        String id = "x".repeat(3000);
        JsonNode error = assertAnthropicError(anthropicGet("/v1/models/" + id), 404, "not_found_error");
        assertThat(error.path("message").asText().length()).isLessThan(400);
    }

    @Test
    void aHugeRequestLineIsAClear4xx() {
        try (RawHttp raw = RawHttp.connect(gateway.port())) {
            raw.write("GET /v1/models/" + "y".repeat(70_000) + " HTTP/1.1\r\nHost: x\r\nx-api-key: " + GatewayFixture.KEY
                    + "\r\nanthropic-version: 2023-06-01\r\n\r\n");
            RawHttp.Response res = raw.readResponse(Duration.ofSeconds(10));
            assertThat(res.status()).as(res.body()).isEqualTo(414);
            assertThat(res.body()).as("before the path or headers are known: OpenAI's shape").contains("request line");
        }
    }

    @Test
    void aRequestRefusedOnItsHeadIsInAnthropicsShapeToo() throws Exception {
        try (RawHttp raw = RawHttp.connect(gateway.port())) { // HTTP/1.1 without Host: refused before any handler
            raw.write("GET /v1/models HTTP/1.1\r\nx-api-key: " + GatewayFixture.KEY + "\r\nanthropic-version: 2023-06-01\r\n\r\n");
            assertAnthropicError(raw.readResponse(Duration.ofSeconds(10)), 400, "invalid_request_error");
        }
    }

    @Test
    void ipRefusalsAreInAnthropicsShape() throws Exception {
        String office = "sk-office-key-0003";
        String yaml = """
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                %s
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s, models: [gpt-4o] }
                keys:
                  - { name: office, key: %s, ip: { allow: [10.0.0.0/8] } }
                """;
        GatewayFixture denyLocal = GatewayFixture.withYaml(yaml.formatted("network: { deny: [127.0.0.1/32] }",
                upstream.baseUrl(), GatewayFixture.UPSTREAM_KEY, office));
        GatewayFixture keyRule = GatewayFixture.withYaml(yaml.formatted("", upstream.baseUrl(),
                GatewayFixture.UPSTREAM_KEY, office));
        try {
            for (GatewayFixture g : List.of(denyLocal, keyRule)) { // refused in the head gate, then by the key's rule
                HttpResponse<String> res = g.send(HttpRequest.newBuilder(URI.create(g.baseUrl() + "/v1/models"))
                        .header("x-api-key", office).header("anthropic-version", "2023-06-01").GET().build());
                assertAnthropicError(res, 403, "permission_error");
            }
        } finally {
            denyLocal.close();
            keyRule.close();
        }
    }

    @Test
    void wrongMethodIsA405InAnthropicsShape() throws Exception {
        HttpResponse<String> res = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/models"))
                .header("x-api-key", GatewayFixture.KEY).header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertAnthropicError(res, 405, "invalid_request_error");
    }

    @Test
    void openAiCallersKeepOpenAisListAndIgnoreAnthropicsQuery() throws Exception {
        List<String> ids = gateway.openAiClient().models().list().data().stream().map(Model::id).toList();
        assertThat(ids).hasSize(ALIASES + 2);

        RawHttp.Response res = rawGet("/v1/models?limit=abc&after_id=%zz", false);
        assertThat(res.status()).isEqualTo(200);
        JsonNode body = MAPPER.readTree(res.body());
        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("data")).hasSize(ALIASES + 2);

        HttpResponse<String> unknown = gateway.get("/v1/models/nope");
        ErrorBodies.assertError(unknown, 404, "invalid_request_error", "model_not_found");
    }

    @Test
    void bothDialectsListTheSameModels() {
        List<String> viaAnthropic = client.models().list(ModelListParams.builder().limit(1000L).build()).data().stream()
                .map(ModelInfo::id).toList();
        assertThat(viaAnthropic).containsExactlyElementsOf(expected);
    }
}

package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.StructuredMessage;
import com.anthropic.models.messages.StructuredMessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.FakeBedrockUpstream;
import dev.switchboard.testing.FakeGeminiUpstream;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RecordedRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The top-level fields of a Messages request on translated routes (the table in docs/anthropic-ingress.md): each is
 * translated, left out as a hint that asks nothing of the answer, or, having no translation, refused by name in
 * Anthropic's error shape (dropped and named in x-switchboard-dropped-params under unsupported_params: drop), never
 * dropped silently. Structured outputs become response_format json_schema and come back as the message's text.
 */
class AnthropicRequestFieldsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String OPENAI = AnthropicTranslatedUsageIT.OPENAI;
    static final String GEMINI = AnthropicTranslatedUsageIT.GEMINI;
    static final String BEDROCK = AnthropicTranslatedUsageIT.BEDROCK;
    static final String CLAUDE = AnthropicTranslatedUsageIT.CLAUDE;
    static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"string\"}},"
            + "\"required\":[\"answer\"],\"additionalProperties\":false}";

    static FakeUpstream openAi;
    static FakeGeminiUpstream gemini;
    static FakeBedrockUpstream bedrock;
    static FakeAnthropicUpstream anthropic;
    static GatewayFixture rejecting;
    static GatewayFixture dropping;

    static FourVendorGateways vendors;

    @BeforeAll
    static void start() {
        vendors = new FourVendorGateways();
        openAi = vendors.openAi;
        gemini = vendors.gemini;
        bedrock = vendors.bedrock;
        anthropic = vendors.anthropic;
        rejecting = vendors.rejecting;
        dropping = vendors.dropping;
    }

    @AfterAll
    static void stop() {
        vendors.close();
    }

    @BeforeEach
    void reset() {
        vendors.reset();
    }

    static HttpResponse<String> post(GatewayFixture gw, String body) throws Exception {
        return gw.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/messages"))
                .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                .header("x-api-key", GatewayFixture.KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** A request for {@code model} with {@code extra} top-level members (leading comma included). */
    static String request(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":256" + extra
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}";
    }

    static RecordedRequest upstreamOf(String model) {
        return switch (model) {
            case OPENAI -> openAi.lastRequest();
            case GEMINI -> gemini.lastRequest();
            case BEDROCK -> bedrock.lastRequest();
            default -> anthropic.lastRequest();
        };
    }

    static int upstreamRequests() {
        return openAi.requests().size() + gemini.requests().size() + bedrock.requests().size() + anthropic.requests().size();
    }

    static JsonNode assertRefused(HttpResponse<String> r, String field) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(body.path("error").path("message").asText()).as(r.body()).startsWith(field + ":");
        return body;
    }

    // ---- structured outputs ----------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"output_config", "output_format"})
    void structuredOutputBecomesResponseFormatOnOpenAi(String form) throws Exception {
        String format = "{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}";
        String extra = form.equals("output_config") ? ",\"output_config\":{\"format\":" + format + "}" : ",\"output_format\":" + format;
        HttpResponse<String> r = post(rejecting, request(OPENAI, extra));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode sent = openAi.lastRequest().json();
        assertThat(sent.path("response_format").path("type").asText()).isEqualTo("json_schema");
        assertThat(sent.path("response_format").path("json_schema").path("schema")).isEqualTo(JSON.readTree(SCHEMA));
        assertThat(sent.path("response_format").path("json_schema").path("name").asText()).isNotBlank();
        assertThat(sent.has("output_config")).isFalse();
        assertThat(sent.has("output_format")).isFalse();
        JsonNode content = JSON.readTree(r.body()).path("content");
        assertThat(content).hasSize(1);
        assertThat(content.get(0).path("type").asText()).isEqualTo("text");
        assertThat(JSON.readTree(content.get(0).path("text").asText()).path("answer").asText()).isEqualTo("echo: hello there");
    }

    @Test
    void structuredOutputBecomesAResponseSchemaOnGemini() throws Exception {
        HttpResponse<String> r = post(rejecting, request(GEMINI,
                ",\"output_config\":{\"format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}}"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode gen = gemini.lastRequest().json().path("generationConfig");
        assertThat(gen.path("responseMimeType").asText()).isEqualTo("application/json");
        assertThat(gen.path("responseJsonSchema").path("properties").has("answer")).isTrue();
        JsonNode text = JSON.readTree(JSON.readTree(r.body()).path("content").get(0).path("text").asText());
        assertThat(text.path("answer").asText()).isEqualTo("answer-value");
        assertThat(gemini.rejections()).isEmpty();
    }

    public static class Answer {
        public String answer;
    }

    @ParameterizedTest
    @ValueSource(strings = {OPENAI, GEMINI})
    void sdkParsesTheStructuredAnswer(String model) {
        AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(rejecting.baseUrl())
                .apiKey(GatewayFixture.KEY).maxRetries(0).build();
        try {
            StructuredMessageCreateParams<Answer> params = MessageCreateParams.builder().model(model).maxTokens(256)
                    .addUserMessage("hello there").outputConfig(Answer.class).build();
            StructuredMessage<Answer> m = client.messages().create(params);
            Answer a = m.content().get(0).text().orElseThrow().text();
            assertThat(a.answer).isEqualTo(model.equals(OPENAI) ? "echo: hello there" : "answer-value");
        } finally {
            client.close();
        }
        assertThat(upstreamOf(model).body()).contains("\"answer\"");
    }

    // ---- translated, ignored ---------------------------------------------------------------------------------

    @Test
    void translatedFieldsReachTheProviderInItsOwnTerms() throws Exception {
        String extra = ",\"top_k\":40,\"metadata\":{\"user_id\":\"u-42\"},\"thinking\":{\"type\":\"disabled\"},"
                + "\"output_config\":{\"effort\":\"low\"}";
        assertThat(post(rejecting, request(OPENAI, extra)).statusCode()).isEqualTo(200);
        JsonNode sent = openAi.lastRequest().json();
        assertThat(sent.path("top_k").asInt()).isEqualTo(40); // OpenAI-compatible servers (vLLM, ...) take it
        assertThat(sent.path("user").asText()).isEqualTo("u-42");
        assertThat(sent.path("reasoning_effort").asText()).isEqualTo("low");
        assertThat(sent.has("thinking")).isFalse(); // disabled is the default: it asks for nothing

        // LangChain's ChatAnthropic defaults: -1 switches top_k and top_p off, thinking disabled
        for (String model : List.of(OPENAI, GEMINI, BEDROCK)) {
            HttpResponse<String> r = post(rejecting, request(model,
                    ",\"temperature\":1,\"top_k\":-1,\"top_p\":-1,\"thinking\":{\"type\":\"disabled\"},\"stream\":false"));
            assertThat(r.statusCode()).as(model + " " + r.body()).isEqualTo(200);
            assertThat(upstreamOf(model).body()).doesNotContain("-1").doesNotContain("thinking");
        }

        HttpResponse<String> g = post(rejecting, request(GEMINI, ",\"top_k\":40"));
        assertThat(g.statusCode()).as(g.body()).isEqualTo(200);
        assertThat(gemini.lastRequest().json().path("generationConfig").path("topK").asInt()).isEqualTo(40);
    }

    @ParameterizedTest
    @ValueSource(strings = {OPENAI, GEMINI, BEDROCK})
    void capacityAndCacheHintsAreLeftOut(String model) throws Exception {
        HttpResponse<String> r = post(rejecting, request(model,
                ",\"service_tier\":\"auto\",\"speed\":\"fast\",\"cache_control\":{\"type\":\"ephemeral\"},"
                        + "\"diagnostics\":{\"previous_message_id\":null}"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-dropped-params")).isEmpty();
        String sent = upstreamOf(model).body();
        assertThat(sent).doesNotContain("service_tier").doesNotContain("speed").doesNotContain("ephemeral")
                .doesNotContain("previous_message_id");
    }

    // ---- no translation: refused or reported ----------------------------------------------------------------

    static final List<String> UNTRANSLATABLE = List.of(
            ",\"mcp_servers\":[{\"type\":\"url\",\"url\":\"https://mcp.example.com/sse\",\"name\":\"example\"}]|mcp_servers",
            ",\"container\":\"container_01\"|container",
            ",\"context_management\":{\"edits\":[{\"type\":\"clear_tool_uses_20250919\"}]}|context_management",
            ",\"inference_geo\":\"us\"|inference_geo",
            ",\"fallbacks\":[{\"model\":\"claude-haiku-4-5\"}]|fallbacks",
            ",\"frobnicate\":true|frobnicate",
            ",\"output_config\":{\"effort\":\"max\"}|output_config.effort",
            ",\"output_config\":{\"format\":{\"type\":\"regex\",\"pattern\":\"a+\"}}|output_config.format");

    @ParameterizedTest
    @ValueSource(strings = {OPENAI, GEMINI, BEDROCK})
    void fieldsWithoutATranslationAreRefusedByName(String model) throws Exception {
        for (String c : UNTRANSLATABLE) {
            String[] parts = c.split("\\|");
            JsonNode body = assertRefused(post(rejecting, request(model, parts[0])), parts[1]);
            assertThat(body.path("error").path("message").asText()).contains("'" + model.substring(0, model.indexOf('/')) + "'");
        }
        assertThat(upstreamRequests()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {OPENAI, GEMINI, BEDROCK})
    void underDropTheyAreLeftOutAndNamed(String model) throws Exception {
        HttpResponse<String> r = post(dropping, request(model,
                ",\"mcp_servers\":[{\"type\":\"url\",\"url\":\"https://mcp.example.com/sse\",\"name\":\"example\"}],"
                        + "\"container\":\"container_01\",\"stream\":true"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-dropped-params")).hasValue("mcp_servers,container");
        assertThat(upstreamOf(model).body()).doesNotContain("mcp.example.com").doesNotContain("container_01");
        assertThat(r.body()).contains("event: message_stop");
    }

    @Test
    void hostileFieldNamesAreRefusedEvenUnderDrop() throws Exception {
        JsonNode crlf = assertRefused(post(dropping, request(OPENAI, ",\"x\\r\\nSet-Cookie: a=b\":1")), "x\r\nSet-Cookie: a=b");
        assertThat(crlf.path("error").path("message").asText()).contains("'fake'");
        String huge = "f".repeat(20_000);
        HttpResponse<String> r = post(dropping, request(GEMINI, ",\"" + huge + "\":1"));
        assertRefused(r, "f".repeat(64) + "...");
        assertThat(r.body().length()).isLessThan(1_000);
        assertThat(r.headers().firstValue("x-switchboard-dropped-params")).isEmpty();
        assertThat(upstreamRequests()).isZero();
    }

    @Test
    void anAnthropicProviderGetsThemAsSent() throws Exception {
        String sent = request(CLAUDE, ",\"mcp_servers\":[{\"type\":\"url\",\"url\":\"https://mcp.example.com/sse\","
                + "\"name\":\"example\"}],\"container\":\"container_01\",\"service_tier\":\"auto\","
                + "\"output_config\":{\"effort\":\"max\",\"format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}}");
        HttpResponse<String> r = post(rejecting, sent);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(anthropic.rejections()).isEmpty();
        assertThat(anthropic.lastRequest().body()).isEqualTo(sent.replace(CLAUDE, FakeAnthropicUpstream.MODEL));
        assertThat(r.headers().firstValue("x-switchboard-dropped-params")).isEmpty();
    }

    static final String SERVER_TOOL = ",\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}},"
            + "{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]";

    @Test
    void serverToolsGoToAnthropicAndAreNeverLostElsewhere() throws Exception {
        String toClaude = request(CLAUDE, SERVER_TOOL);
        HttpResponse<String> r = post(rejecting, toClaude);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(anthropic.rejections()).isEmpty();
        assertThat(anthropic.lastRequest().body()).isEqualTo(toClaude.replace(CLAUDE, FakeAnthropicUpstream.MODEL));

        assertThat(JSON.readTree(assertRefused(post(rejecting, request(OPENAI, SERVER_TOOL)), "tools.1").toString())
                .path("error").path("message").asText()).contains("Anthropic");
        HttpResponse<String> dropped = post(dropping, request(OPENAI, SERVER_TOOL));
        assertThat(dropped.statusCode()).as(dropped.body()).isEqualTo(200);
        assertThat(dropped.headers().firstValue("x-switchboard-dropped-params")).hasValue("tools.1");
        JsonNode tools = openAi.lastRequest().json().path("tools");
        assertThat(tools).hasSize(1);
        assertThat(tools.get(0).path("function").path("name").asText()).isEqualTo("get_weather");
    }

    @Test
    void contentWithoutACanonicalFormIsRefusedByItsPath() throws Exception {
        String filesApiImage = "{\"model\":\"" + GEMINI + "\",\"max_tokens\":256,\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"what is this?\"},"
                + "{\"type\":\"image\",\"source\":{\"type\":\"file\",\"file_id\":\"file_011\"}}]}]}";
        assertRefused(post(rejecting, filesApiImage), "messages.0.content.1.source");
        String serverToolHistory = "{\"model\":\"" + BEDROCK + "\",\"max_tokens\":256,\"messages\":["
                + "{\"role\":\"user\",\"content\":\"news?\"},{\"role\":\"assistant\",\"content\":["
                + "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{\"query\":\"news\"}},"
                + "{\"type\":\"text\",\"text\":\"Here.\"}]},{\"role\":\"user\",\"content\":\"thanks\"}]}";
        assertRefused(post(rejecting, serverToolHistory), "messages.1.content.0");
        assertThat(upstreamRequests()).isZero();
    }

    // ---- careless clients --------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {OPENAI, CLAUDE})
    void wrongTypedFieldsAreAClearFourHundred(String model) throws Exception {
        assertRefused(post(rejecting, request(model, ",\"output_config\":\"json\"")), "output_config");
        assertRefused(post(rejecting, request(model, ",\"output_config\":{\"format\":{\"type\":\"json_schema\"}}")),
                "output_config.format.schema");
        assertRefused(post(rejecting, request(model, ",\"output_format\":[1]")), "output_format");
        assertRefused(post(rejecting, request(model, ",\"output_config\":{\"effort\":5}")), "output_config.effort");
        assertRefused(post(rejecting, request(model, ",\"top_k\":\"many\"")), "top_k");
        assertRefused(post(rejecting, request(model, ",\"metadata\":[\"u\"]")), "metadata");
        assertRefused(post(rejecting, request(model, ",\"tools\":[\"get_weather\"]")), "tools.0");
        assertRefused(post(rejecting, "{\"model\":\"" + model + "\",\"max_tokens\":9,\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"text\":\"typeless\"}]}]}"), "messages.0.content.0.type");
        assertThat(upstreamRequests()).isZero();
    }
}

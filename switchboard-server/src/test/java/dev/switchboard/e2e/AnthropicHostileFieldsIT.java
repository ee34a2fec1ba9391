package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.ErrorBodies;
import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.FakeBedrockUpstream;
import dev.switchboard.testing.FakeGeminiUpstream;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hostile or careless Anthropic client against the fields issue 14 added on translated routes: wrong types and
 * huge or deep values in {@code output_config}, {@code thread} and {@code tool_choice.disable_parallel_tool_use},
 * duplicate keys, and requests with thousands of fields a translated route drops. Each is a clear 400 in
 * Anthropic's shape (or, dropped, a response whose headers a client can still read), never a 500.
 */
class AnthropicHostileFieldsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String OPENAI = AnthropicTranslatedUsageIT.OPENAI;
    static final String GEMINI = AnthropicTranslatedUsageIT.GEMINI;
    static final String BEDROCK = AnthropicTranslatedUsageIT.BEDROCK;
    static final String TOOL = ",\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}}]";

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

    static HttpResponse<String> post(GatewayFixture gw, String body) {
        return gw.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/messages"))
                .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                .header("x-api-key", GatewayFixture.KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static String request(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":256" + extra
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}";
    }

    static JsonNode assertAnthropic400(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        ErrorBodies.assertNoSecrets(r.body());
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("type").asText()).as(r.body()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).as(r.body()).isEqualTo("invalid_request_error");
        assertThat(body.path("error").path("message").asText().length()).as(r.body()).isLessThan(2_000);
        return body.path("error");
    }

    int upstreamRequests() {
        return openAi.requests().size() + gemini.requests().size() + bedrock.requests().size() + anthropic.requests().size();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"yes\"", "1", "{}", "[true]", "\"true\""})
    void disableParallelToolUseOfTheWrongTypeIsRefused(String value) throws Exception {
        // Anthropic's API answers a non-boolean with a 400; coercing "yes" or 1 to true changes the answer silently
        HttpResponse<String> r = post(rejecting, request(GEMINI, TOOL
                + ",\"tool_choice\":{\"type\":\"any\",\"disable_parallel_tool_use\":" + value + "}"));
        JsonNode error = assertAnthropic400(r);
        assertThat(error.path("message").asText()).contains("disable_parallel_tool_use");
        assertThat(upstreamRequests()).isZero();
    }

    @Test
    void disableParallelToolUseNullIsTheDefault() throws Exception {
        HttpResponse<String> r = post(rejecting, request(GEMINI, TOOL
                + ",\"tool_choice\":{\"type\":\"auto\",\"disable_parallel_tool_use\":null}"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "\"continue\"", "{\"id\":\"t\"}", "[1,2,3]", "true"})
    void aThreadOfAnyTypeIsThreadUnsupportedOnTranslatedRoutes(String value) throws Exception {
        for (String model : new String[] {OPENAI, GEMINI, BEDROCK}) {
            JsonNode error = assertAnthropic400(post(dropping, request(model, ",\"thread\":" + value)));
            assertThat(error.at("/details/error_code").asText()).isEqualTo("thread_unsupported_request");
        }
        assertThat(upstreamRequests()).isZero();
    }

    @Test
    void aDeepThreadIsA400NotA500() throws Exception {
        String deep = "[".repeat(5_000) + "]".repeat(5_000);
        assertAnthropic400(post(rejecting, request(OPENAI, ",\"thread\":" + deep)));
        assertThat(upstreamRequests()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"json\"", "[]", "5", "{\"format\":\"json\"}", "{\"format\":{\"type\":5}}",
            "{\"format\":{\"type\":\"json_schema\"}}", "{\"format\":{\"type\":\"json_schema\",\"schema\":\"x\"}}",
            "{\"effort\":5}", "{\"effort\":[\"high\"]}",
            "{\"format\":{\"type\":\"json_schema\",\"schema\":{\"type\":\"object\"},\"schema\":{}}}",
            "{\"effort\":\"low\",\"effort\":\"high\"}"})
    void malformedOutputConfigIsA400(String value) throws Exception {
        for (String model : new String[] {OPENAI, GEMINI, BEDROCK}) {
            assertAnthropic400(post(rejecting, request(model, ",\"output_config\":" + value)));
        }
        assertThat(upstreamRequests()).isZero();
    }

    @Test
    void aDeepOutputSchemaIsA400NotA500() throws Exception {
        String deep = "{\"type\":\"object\",\"properties\":{\"a\":".repeat(3_000) + "{}" + "}}".repeat(3_000);
        for (String model : new String[] {OPENAI, GEMINI, BEDROCK}) {
            HttpResponse<String> r = post(rejecting, request(model,
                    ",\"output_config\":{\"format\":{\"type\":\"json_schema\",\"schema\":" + deep + "}}"));
            assertAnthropic400(r);
        }
    }

    @Test
    void aHugeUnknownEffortIsRefusedWithoutEchoingIt() throws Exception {
        String huge = "e".repeat(100_000);
        HttpResponse<String> r = post(rejecting, request(GEMINI, ",\"output_config\":{\"effort\":\"" + huge + "\"}"));
        JsonNode error = assertAnthropic400(r);
        assertThat(error.path("message").asText()).startsWith("output_config.effort:").doesNotContain(huge);
    }

    @Test
    void thousandsOfDroppedFieldsLeaveAHeaderAClientCanRead() throws Exception {
        StringBuilder extra = new StringBuilder();
        for (int i = 0; i < 3_000; i++) {
            extra.append(",\"unknown_field_").append(i).append("\":").append(i);
        }
        HttpResponse<String> r = post(dropping, request(OPENAI, extra.toString()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String header = r.headers().firstValue("x-switchboard-dropped-params").orElseThrow();
        // Node's HTTP parser (the Vercel AI SDK, LangChain JS) refuses a response whose headers pass 16 KiB
        assertThat(header.length()).as("x-switchboard-dropped-params length").isLessThan(2_048);
        assertThat(header).startsWith("unknown_field_0,unknown_field_1,").matches(".*,\\+\\d+ more");
        String[] names = header.split(",");
        String more = names[names.length - 1];
        assertThat(names.length - 1 + Integer.parseInt(more.substring(1, more.indexOf(' ')))).isEqualTo(3_000);
        assertThat(openAi.lastRequest().json().has("unknown_field_2999")).isFalse();
    }

    @Test
    void thousandsOfServerToolBlocksInTheHistoryLeaveAHeaderAClientCanRead() throws Exception {
        StringBuilder messages = new StringBuilder();
        for (int i = 0; i < 1_500; i++) {
            messages.append("{\"role\":\"user\",\"content\":\"news?\"},{\"role\":\"assistant\",\"content\":["
                    + "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_").append(i)
                    .append("\",\"name\":\"web_search\",\"input\":{\"query\":\"news\"}},{\"type\":\"text\",\"text\":\"Here.\"}]},");
        }
        String body = "{\"model\":\"" + GEMINI + "\",\"max_tokens\":256,\"messages\":[" + messages
                + "{\"role\":\"user\",\"content\":\"thanks\"}]}";
        HttpResponse<String> r = post(dropping, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String header = r.headers().firstValue("x-switchboard-dropped-params").orElseThrow();
        assertThat(header.length()).as("x-switchboard-dropped-params length").isLessThan(2_048);
        assertThat(header).startsWith("messages.1.content.0,messages.3.content.0,");
    }

    static final String CLAUDE = AnthropicTranslatedUsageIT.CLAUDE;

    @Test
    void aTurnMadeOnlyOfAnthropicOnlyBlocksReachesAnAnthropicProviderAsSent() throws Exception {
        // a Files API document alone in the first turn, then the conversation: nothing of it has a canonical form
        String sent = "{\"model\":\"" + CLAUDE + "\",\"max_tokens\":256,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"document\",\"source\":{\"type\":\"file\",\"file_id\":\"file_011\"}}]}]}";
        HttpResponse<String> r = post(rejecting, sent);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(anthropic.lastRequest().body()).isEqualTo(sent.replace(CLAUDE, FakeAnthropicUpstream.MODEL));
    }

    @Test
    void aTurnMadeOnlyOfAnthropicOnlyBlocksIsRefusedByPathElsewhereEvenUnderDrop() throws Exception {
        String sent = "{\"model\":\"" + GEMINI + "\",\"max_tokens\":256,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"document\",\"source\":{\"type\":\"file\",\"file_id\":\"file_011\"}}]}]}";
        JsonNode error = assertAnthropic400(post(rejecting, sent));
        assertThat(error.path("message").asText()).startsWith("messages.0.content.0.source");
        HttpResponse<String> dropped = post(dropping, sent);
        assertThat(dropped.statusCode()).as(dropped.body()).isIn(200, 400);
        if (dropped.statusCode() == 400) {
            assertAnthropic400(dropped);
        }
        assertThat(upstreamRequests()).isZero();
    }

    @Test
    void aPausedServerToolTurnSentBackReachesAnAnthropicProviderAsSent() throws Exception {
        // stop_reason pause_turn: the client sends the assistant turn back as it came to let Claude continue
        String sent = "{\"model\":\"" + CLAUDE + "\",\"max_tokens\":256,\"messages\":["
                + "{\"role\":\"user\",\"content\":\"news?\"},{\"role\":\"assistant\",\"content\":["
                + "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{\"query\":\"news\"}},"
                + "{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"srvtoolu_1\",\"content\":[]}]}],"
                + "\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]}";
        post(rejecting, sent); // the fake's own rules know no server tool blocks: what matters is what it was sent
        assertThat(anthropic.requests()).as("the gateway refused nothing of it").hasSize(1);
        assertThat(anthropic.lastRequest().body()).isEqualTo(sent.replace(CLAUDE, FakeAnthropicUpstream.MODEL));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"top_k\":1e400", "\"top_k\":99999999999999999999", "\"top_k\":-1e400", "\"top_k\":0.5",
            "\"top_k\":2.5", "\"top_p\":-1e400", "\"top_p\":1e400", "\"top_k\":\"5\"", "\"top_k\":2147483648"})
    void extremeSamplingNumbersAreNeverA500(String field) throws Exception {
        for (String model : new String[] {OPENAI, GEMINI, BEDROCK}) {
            HttpResponse<String> r = post(rejecting, request(model, "," + field));
            assertThat(r.statusCode()).as(model + " " + field + ": " + r.body()).isIn(200, 400);
            if (r.statusCode() == 400) {
                assertAnthropic400(r);
            }
        }
    }
}

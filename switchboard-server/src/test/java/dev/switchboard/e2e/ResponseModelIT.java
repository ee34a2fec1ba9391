package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.FakeGeminiUpstream;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.SseEvents;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The answer's {@code model}, for every provider, on both ingress dialects, streamed and not: the name the upstream
 * reports (OpenAI's and Anthropic's {@code model}, Gemini's {@code modelVersion}); where it reports none, the model
 * id configured for the target. Never the alias the caller used. Each upstream answers a scripted reply, so the
 * reported name differs from the configured one.
 */
class ResponseModelIT {
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** A provider under test: the caller's alias, the configured model id and a dated name its upstream reports. */
    enum Upstream {
        OPENAI("house-gpt", "gpt-4o", "gpt-4o-2024-08-06"),
        ANTHROPIC("house-claude", FakeAnthropicUpstream.MODEL, FakeAnthropicUpstream.MODEL + "-20250929"),
        GEMINI("house-gemini", FakeGeminiUpstream.MODEL, FakeGeminiUpstream.MODEL + "-preview-09-2025"),
        VERTEX("house-vertex", FakeGeminiUpstream.MODEL, FakeGeminiUpstream.MODEL + "-001");

        final String alias;
        final String configured;
        final String reported;

        Upstream(String alias, String configured, String reported) {
            this.alias = alias;
            this.configured = configured;
            this.reported = reported;
        }
    }

    static FakeUpstream openAi;
    static FakeAnthropicUpstream anthropic;
    static FakeGeminiUpstream gemini;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        openAi = FakeUpstream.start();
        anthropic = FakeAnthropicUpstream.start();
        gemini = FakeGeminiUpstream.start();
        String sa = gemini.newServiceAccountJson("switchboard@fake-project.iam.gserviceaccount.com");
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s, models: [gpt-4o] }
                  - { name: claude, type: anthropic, base_url: %s, api_key: %s, models: [%s] }
                  - { name: google, type: gemini, base_url: %s, api_key: %s, models: [%s] }
                  - { name: vertex, type: vertex-gemini, base_url: "%s", api_key: "${env:VERTEX_SA_JSON}" }
                models:
                  - { name: house-gpt, target: fake/gpt-4o }
                  - { name: house-claude, target: claude/%s }
                  - { name: house-gemini, target: google/%s }
                  - { name: house-vertex, target: vertex/%s }
                keys:
                  - { name: tester, key: %s }
                """.formatted(openAi.baseUrl(), GatewayFixture.UPSTREAM_KEY,
                anthropic.baseUrl(), FakeAnthropicUpstream.API_KEY, FakeAnthropicUpstream.MODEL,
                gemini.baseUrl(), FakeGeminiUpstream.API_KEY, FakeGeminiUpstream.MODEL, gemini.vertexBaseUrl(),
                FakeAnthropicUpstream.MODEL, FakeGeminiUpstream.MODEL, FakeGeminiUpstream.MODEL, GatewayFixture.KEY),
                Map.of("VERTEX_SA_JSON", sa));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        openAi.close();
        anthropic.close();
        gemini.close();
    }

    @BeforeEach
    void clear() {
        openAi.reset();
        anthropic.reset();
        gemini.reset();
    }

    @AfterEach
    void upstreamsRefusedNothing() {
        assertThat(anthropic.rejections()).isEmpty();
        assertThat(gemini.rejections()).isEmpty();
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Upstream u : Upstream.values()) {
            for (boolean anthropicIngress : new boolean[] {false, true}) {
                for (boolean stream : new boolean[] {false, true}) {
                    for (boolean reports : new boolean[] {true, false}) {
                        out.add(Arguments.of(u, anthropicIngress ? "anthropic" : "openai", stream, reports));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} via {1}, stream={2}, upstream names its model={3}")
    @MethodSource("cases")
    void theAnswerNamesTheUpstreamsModel(Upstream u, String ingress, boolean stream, boolean reports) {
        boolean anthropicIngress = ingress.equals("anthropic");
        // An Anthropic client at an Anthropic provider gets Anthropic's bytes as they came (Anthropic always names it)
        assumeFalse(anthropicIngress && u == Upstream.ANTHROPIC && !reports);
        String reported = reports ? u.reported : null;
        script(u, reported, stream);

        HttpResponse<String> r = anthropicIngress ? messages(u.alias, stream) : chat(u.alias, stream);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String expected = reports ? u.reported : u.configured;
        List<String> models = modelsNamed(r.body(), anthropicIngress, stream);
        assertThat(models).as(r.body()).isNotEmpty().allSatisfy(m -> assertThat(m).isEqualTo(expected));
    }

    /** Every {@code model} the client saw: the answer's, each chunk's, or message_start's. */
    static List<String> modelsNamed(String body, boolean anthropicIngress, boolean stream) {
        List<String> out = new ArrayList<>();
        if (!stream) {
            out.add(json(body).path("model").asText(null));
            return out;
        }
        for (String data : SseEvents.data(body)) {
            if (data.equals("[DONE]")) {
                continue;
            }
            JsonNode event = json(data);
            if (!anthropicIngress) {
                out.add(event.path("model").asText(null));
            } else if (event.path("type").asText().equals("message_start")) {
                out.add(event.path("message").path("model").asText(null));
            }
        }
        return out;
    }

    // ---- the callers ---------------------------------------------------------------------------------------

    static HttpResponse<String> chat(String model, boolean stream) {
        return gateway.post("/v1/chat/completions", """
                {"model":"%s","stream":%s,"messages":[{"role":"user","content":"hi"}]}""".formatted(model, stream));
    }

    static HttpResponse<String> messages(String model, boolean stream) {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/messages"))
                .header("x-api-key", GatewayFixture.KEY).header("anthropic-version", "2023-06-01")
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"%s","max_tokens":64,"stream":%s,"messages":[{"role":"user","content":"hi"}]}"""
                        .formatted(model, stream))).build());
    }

    // ---- the upstreams' answers, in each provider's wire format, with or without a model name ------------------

    static void script(Upstream u, String model, boolean stream) {
        switch (u) {
            case OPENAI -> openAi.enqueue(stream
                    ? openAi.rawStream(List.of(
                            "data: " + openAiChunk(model, "{\"role\":\"assistant\",\"content\":\"hi\"}", null) + "\n\n",
                            "data: " + openAiChunk(model, "{}", "stop") + "\n\n",
                            "data: " + withModel("{\"id\":\"chatcmpl-m\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                                    + "\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}", model)
                                    + "\n\n",
                            "data: [DONE]\n\n"), Duration.ZERO)
                    : FakeUpstream.json(200, withModel("""
                            {"id":"chatcmpl-m","object":"chat.completion","created":1,"choices":[{"index":0,\
                            "message":{"role":"assistant","content":"hi","refusal":null},"logprobs":null,"finish_reason":"stop"}],\
                            "usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""", model)));
            case ANTHROPIC -> anthropic.enqueue((req, json) -> {
                String message = withModel("""
                        {"id":"msg_m","type":"message","role":"assistant","content":[],"stop_reason":null,\
                        "stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}""", model);
                if (!stream) {
                    req.response().putHeader("content-type", "application/json").end(message
                            .replace("\"content\":[]", "\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]")
                            .replace("\"stop_reason\":null", "\"stop_reason\":\"end_turn\""));
                    return;
                }
                req.response().putHeader("content-type", "text/event-stream").end("""
                        event: message_start
                        data: {"type":"message_start","message":%s}

                        event: content_block_start
                        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                        event: content_block_delta
                        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}

                        event: content_block_stop
                        data: {"type":"content_block_stop","index":0}

                        event: message_delta
                        data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":1}}

                        event: message_stop
                        data: {"type":"message_stop"}

                        """.formatted(message));
            });
            case GEMINI, VERTEX -> gemini.enqueue((req, json) -> {
                String answer = withModel("""
                        {"candidates":[{"content":{"role":"model","parts":[{"text":"hi"}]},"finishReason":"STOP","index":0}],\
                        "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":1,"totalTokenCount":6},\
                        "responseId":"r-m"}""", model).replace("\"model\":", "\"modelVersion\":");
                if (stream) {
                    req.response().putHeader("content-type", "text/event-stream").end("data: " + answer + "\r\n\r\n");
                } else {
                    req.response().putHeader("content-type", "application/json; charset=UTF-8").end(answer);
                }
            });
        }
    }

    static String openAiChunk(String model, String delta, String finish) {
        return withModel("{\"id\":\"chatcmpl-m\",\"object\":\"chat.completion.chunk\",\"created\":1,\"choices\":[{\"index\":0,"
                + "\"delta\":" + delta + ",\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"") + "}]}", model);
    }

    /** The JSON object with {@code "model"} as its last member, or as it is when {@code model} is null. */
    static String withModel(String json, String model) {
        if (model == null) {
            return json;
        }
        return json.substring(0, json.lastIndexOf('}')) + ",\"model\":\"" + model + "\"}";
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}

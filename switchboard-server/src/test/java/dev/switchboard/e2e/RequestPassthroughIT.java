package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartInputAudio;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionUserMessageParam;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Request fields the gateway does not interpret reach the upstream exactly as the client sent them. */
class RequestPassthroughIT {
    static final ObjectMapper MAPPER = new ObjectMapper();
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

    @BeforeEach
    void clear() {
        upstream.reset();
    }

    static ChatCompletionCreateParams.Builder hello() {
        return ChatCompletionCreateParams.builder().model("fake/gpt-4o").addUserMessage("hello");
    }

    @Test
    void responseFormatJsonObject() {
        ChatCompletion c = client.chat().completions().create(hello()
                .responseFormat(ResponseFormatJsonObject.builder().build()).build());

        assertThat(upstream.lastRequest().json().path("response_format").toString()).isEqualTo("{\"type\":\"json_object\"}");
        assertThat(c.choices().get(0).message().content()).hasValue("{\"answer\":\"echo: hello\"}");
    }

    @Test
    void responseFormatJsonSchema() {
        ChatCompletion c = client.chat().completions().create(hello()
                .responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                        .name("answer")
                        .strict(true)
                        .schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("answer", Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("answer")))
                                .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                                .build())
                        .build()).build())
                .build());

        JsonNode format = upstream.lastRequest().json().path("response_format");
        assertThat(format.path("type").asText()).isEqualTo("json_schema");
        JsonNode schema = format.path("json_schema");
        assertThat(schema.path("name").asText()).isEqualTo("answer");
        assertThat(schema.path("strict").asBoolean()).isTrue();
        assertThat(schema.path("schema").toString()).isEqualTo(
                "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"string\"}},\"required\":[\"answer\"],\"additionalProperties\":false}");
        assertThat(c.choices().get(0).message().content()).hasValue("{\"answer\":\"echo: hello\"}");
    }

    @Test
    void multimodalContentPartsReachUpstreamUnchanged() {
        String image = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        String audio = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA=";
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("fake/gpt-4o")
                .addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("describe these").build()),
                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder()
                                        .url(image).detail(ChatCompletionContentPartImage.ImageUrl.Detail.HIGH).build())
                                .build()),
                        ChatCompletionContentPart.ofInputAudio(ChatCompletionContentPartInputAudio.builder()
                                .inputAudio(ChatCompletionContentPartInputAudio.InputAudio.builder()
                                        .data(audio).format(ChatCompletionContentPartInputAudio.InputAudio.Format.WAV).build())
                                .build())))
                .build());

        assertThat(c.choices().get(0).message().content()).hasValue("echo: describe these");
        JsonNode parts = upstream.lastRequest().json().path("messages").get(0).path("content");
        assertThat(parts).hasSize(3);
        assertThat(parts.get(0).toString()).isEqualTo("{\"text\":\"describe these\",\"type\":\"text\"}");
        assertThat(parts.get(1).path("type").asText()).isEqualTo("image_url");
        assertThat(parts.get(1).path("image_url").path("url").asText()).isEqualTo(image);
        assertThat(parts.get(1).path("image_url").path("detail").asText()).isEqualTo("high");
        assertThat(parts.get(2).path("type").asText()).isEqualTo("input_audio");
        assertThat(parts.get(2).path("input_audio").path("data").asText()).isEqualTo(audio);
        assertThat(parts.get(2).path("input_audio").path("format").asText()).isEqualTo("wav");
    }

    @Test
    void nChoicesAndSeed() {
        ChatCompletion c = client.chat().completions().create(hello().n(2).seed(42).build());

        assertThat(c.choices()).extracting(ChatCompletion.Choice::index).containsExactly(0L, 1L);
        assertThat(c.choices()).allSatisfy(ch -> assertThat(ch.message().content()).hasValue("echo: hello"));
        JsonNode seen = upstream.lastRequest().json();
        assertThat(seen.path("n").isIntegralNumber()).isTrue();
        assertThat(seen.path("n").asInt()).isEqualTo(2);
        assertThat(seen.path("seed").asLong()).isEqualTo(42);
    }

    @Test
    void logprobsRequestedAndReturned() {
        ChatCompletion c = client.chat().completions().create(hello().logprobs(true).topLogprobs(2).build());

        JsonNode seen = upstream.lastRequest().json();
        assertThat(seen.path("logprobs").asBoolean()).isTrue();
        assertThat(seen.path("top_logprobs").asInt()).isEqualTo(2);
        var tokens = c.choices().get(0).logprobs().orElseThrow().content().orElseThrow();
        assertThat(tokens).hasSize(1);
        assertThat(tokens.get(0).token()).isEqualTo("echo");
        assertThat(tokens.get(0).logprob()).isEqualTo(-0.01);
    }

    @Test
    void unknownParametersPassThroughUntouchedIncludingInsideMessages() {
        client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("fake/gpt-4o")
                .addMessage(ChatCompletionUserMessageParam.builder()
                        .content("hello")
                        .putAdditionalProperty("cache_control", JsonValue.from(Map.of("type", "ephemeral")))
                        .build())
                .addUserMessageOfArrayOfContentParts(List.of(ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder()
                        .text("part").putAdditionalProperty("x_part_meta", JsonValue.from(Map.of("k", List.of(1, 2)))).build())))
                .putAdditionalBodyProperty("top_k", JsonValue.from(40))
                .putAdditionalBodyProperty("repetition_penalty", JsonValue.from(1.1))
                .putAdditionalBodyProperty("provider", JsonValue.from(Map.of("order", List.of("a", "b"), "allow_fallbacks", false)))
                .putAdditionalBodyProperty("chat_template_kwargs", JsonValue.from(Map.of("enable_thinking", true)))
                .build());

        JsonNode seen = upstream.lastRequest().json();
        assertThat(seen.path("top_k").isIntegralNumber()).isTrue();
        assertThat(seen.path("top_k").asInt()).isEqualTo(40);
        assertThat(seen.path("repetition_penalty").asDouble()).isEqualTo(1.1);
        assertThat(seen.path("provider").path("order").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(seen.path("provider").path("allow_fallbacks").isBoolean()).isTrue();
        assertThat(seen.path("provider").path("allow_fallbacks").asBoolean()).isFalse();
        assertThat(seen.path("chat_template_kwargs").toString()).isEqualTo("{\"enable_thinking\":true}");
        assertThat(seen.path("messages").get(0).path("cache_control").toString()).isEqualTo("{\"type\":\"ephemeral\"}");
        assertThat(seen.path("messages").get(1).path("content").get(0).path("x_part_meta").toString()).isEqualTo("{\"k\":[1,2]}");
    }

    @Test
    void aRawBodyArrivesIdenticalExceptForTheModelName() throws Exception {
        String body = """
                {"model":"fake/gpt-4o","temperature":1.0,"top_p":0.95,"max_tokens":100,"frequency_penalty":0.50,
                 "logit_bias":{"50256":-100},"stop":["\\n\\n"],"user":"u-1","metadata":{"tenant":"t1"},
                 "messages":[{"role":"developer","content":"be exact"},
                             {"role":"user","name":"ann","content":[{"type":"text","text":"héllo ✓ \\u0000 \\"q\\""}],
                              "x_nested":{"deep":[{"a":null},1e-7,123456789012345678901234567890]}}],
                 "x_vendor":{"weight":100.0,"flags":[true,false,null]}}
                """;
        HttpResponse<String> res = gateway.post("/v1/chat/completions", body);

        assertThat(res.statusCode()).isEqualTo(200);
        ObjectNode expected = (ObjectNode) MAPPER.readTree(body);
        expected.put("model", "gpt-4o");
        assertThat(upstream.lastRequest().json()).isEqualTo(expected);
        // numbers keep their written form: a float stays a float, no exponent appears
        assertThat(upstream.lastRequest().body()).contains("\"temperature\":1.0", "\"weight\":100.0", "\"frequency_penalty\":0.50");
    }
}

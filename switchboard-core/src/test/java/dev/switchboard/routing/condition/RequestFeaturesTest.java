package dev.switchboard.routing.condition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.ingress.openai.OpenAiRequestDecoder;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestFeaturesTest {

    static ModelRequest chat(String json) {
        return OpenAiRequestDecoder.decode(Operation.CHAT, json.getBytes(StandardCharsets.UTF_8));
    }

    static RequestFeatures features(String json) {
        return new RequestFeatures(chat(json));
    }

    @Test
    void plainTextChat() {
        RequestFeatures f = features("""
                {"model":"smart","messages":[
                  {"role":"system","content":"You are helpful."},
                  {"role":"user","content":"Hello there"}]}""");
        assertThat(f.hasTools()).isFalse();
        assertThat(f.hasImages()).isFalse();
        // 16 + 11 characters -> 7 tokens, plus 4 per message
        assertThat(f.estimatedInputTokens()).isEqualTo(7 + 2 * RequestFeatures.PER_MESSAGE);
    }

    @Test
    void toolsOrFunctionsMustBeNonEmpty() {
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertThat(features("{\"model\":\"m\"," + messages + ",\"tools\":[{\"type\":\"function\",\"function\":"
                + "{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\",\"properties\":{}}}}]}").hasTools()).isTrue();
        assertThat(features("{\"model\":\"m\"," + messages + ",\"functions\":[{\"name\":\"f\"}]}").hasTools()).isTrue();
        assertThat(features("{\"model\":\"m\"," + messages + ",\"tools\":[]}").hasTools()).isFalse();
        assertThat(features("{\"model\":\"m\"," + messages + ",\"tools\":null}").hasTools()).isFalse();
        assertThat(features("{\"model\":\"m\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]," + messages + "}")
                .estimatedInputTokens()).as("tools before messages do not disturb the scan").isEqualTo(1 + RequestFeatures.PER_MESSAGE);
    }

    @Test
    void imagePartsOfEveryShapeAndImageDataIsNotText() {
        String base64 = "A".repeat(200_000);
        RequestFeatures f = features("""
                {"model":"smart","messages":[{"role":"user","content":[
                  {"type":"text","text":"What is this?"},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,%s","detail":"high"}}]}]}""".formatted(base64));
        assertThat(f.hasImages()).isTrue();
        assertThat(f.estimatedInputTokens()).isEqualTo(4 + RequestFeatures.PER_MESSAGE); // 13 characters
        assertThat(features("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"input_image","image_url":"https://x/y.png"}]}]}""")
                .hasImages()).isTrue();
        assertThat(features("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"image",
                  "source":{"type":"base64","media_type":"image/png","data":"%s"}}]}]}""".formatted(base64))
                .hasImages()).isTrue();
        assertThat(features("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"an image_url of a cat"}]}]}""")
                .hasImages()).as("the words are not an image").isFalse();
    }

    @Test
    void toolCallsAndResultsCountAsText() {
        RequestFeatures f = features("""
                {"model":"m","messages":[
                  {"role":"user","content":"weather?"},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                    "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"sunny"}]}""");
        // weather? (8) + get_weather (11) + {"city":"Paris"} (16) + sunny (5) = 40 -> 10 tokens
        assertThat(f.estimatedInputTokens()).isEqualTo(10 + 3 * RequestFeatures.PER_MESSAGE);
        assertThat(f.hasTools()).isFalse();
    }

    @Test
    void promptsAndEmbeddingInputs() {
        ModelRequest completion = OpenAiRequestDecoder.decode(Operation.COMPLETIONS,
                "{\"model\":\"m\",\"prompt\":\"Say hi\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(new RequestFeatures(completion).estimatedInputTokens()).isEqualTo(2);
        ModelRequest embeddings = OpenAiRequestDecoder.decode(Operation.EMBEDDINGS,
                "{\"model\":\"m\",\"input\":[\"a b c\",\"d\"]}".getBytes(StandardCharsets.UTF_8));
        assertThat(new RequestFeatures(embeddings).estimatedInputTokens()).isEqualTo(2);
    }

    @Test
    void theEstimateGrowsWithThePrompt() {
        String text = "word ".repeat(10_000);
        long tokens = features("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}").estimatedInputTokens();
        assertThat(tokens).isEqualTo(50_000 / 4 + RequestFeatures.PER_MESSAGE);
    }

    @Test
    void standardFactsReadHeadersKeyAndBody() {
        ModelRequest req = chat("""
                {"model":"smart","stream":true,"messages":[{"role":"user","content":[
                  {"type":"image_url","image_url":{"url":"https://x/y.png"}}]}],"tools":[{"type":"function","function":{"name":"f"}}]}""");
        Map<String, String> headers = Map.of("x-team", "eng", RouteMetadata.HEADER, "tier=gold; region=\"eu\"");
        StandardRequestFacts facts = new StandardRequestFacts(headers::get, "svc-a", null, Map.of("env", "prod"), req);
        assertThat(facts.header("x-team")).isEqualTo("eng");
        assertThat(facts.routeMetadata("region")).isEqualTo("eu");
        assertThat(facts.routeMetadata("absent")).isNull();
        assertThat(facts.keyName()).isEqualTo("svc-a");
        assertThat(facts.team()).isNull();
        assertThat(facts.keyMetadata("env")).isEqualTo("prod");
        assertThat(facts.model()).isEqualTo("smart");
        assertThat(facts.stream()).isTrue();
        assertThat(facts.hasTools()).isTrue();
        assertThat(facts.hasImages()).isTrue();
        assertThat(facts.estimatedInputTokens()).isEqualTo(RequestFeatures.PER_MESSAGE);

        Condition rule = ConditionParser.parse(Yaml.read("""
                { metadata.tier: { in: [gold, platinum] }, key.metadata.env: { regex: 'prod.*' },
                  any: [ { request.tools: true }, { request.images: true } ], request.input_tokens: { '<': 100 } }"""),
                "when", (p, m) -> { throw new AssertionError(p + ": " + m); });
        assertThat(rule.test(facts)).isTrue();
        assertThat(rule.test(new StandardRequestFacts(Map.<String, String>of()::get, "svc-a", null, Map.of("env", "prod"), req))).isFalse();
    }
}

package dev.switchboard.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.ingress.anthropic.AnthropicIngress;
import dev.switchboard.model.Operation;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CachePolicyTest {
    private static final CachePolicy STRICT = CachePolicy.DEFAULT;
    private static final CachePolicy LOOSE = new CachePolicy(true, true);

    private static String request(String params) {
        return STRICT.refuseRequest(CacheKeyTest.openai("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"
                + params + "}"));
    }

    private static String answer(CachePolicy p, String finish, String message) {
        return p.refuseAnswer(("{\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":" + message
                + ",\"finish_reason\":" + finish + "}]}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void sampledRequestsOnlyWhenConfigured() {
        assertThat(request(",\"temperature\":0")).isNull();
        assertThat(request(",\"temperature\":0.0")).isNull();
        assertThat(request(",\"temperature\":0.2")).isEqualTo("sampled");
        assertThat(request("")).as("OpenAI's default temperature is 1").isEqualTo("sampled");
        assertThat(request(",\"temperature\":null")).isEqualTo("sampled");
        assertThat(LOOSE.refuseRequest(CacheKeyTest.openai("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")))
                .isNull();
        byte[] emb = "{\"model\":\"e\",\"input\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(STRICT.refuseRequest(dev.switchboard.ingress.openai.OpenAiIngress.INSTANCE.decode(Operation.EMBEDDINGS, emb))).isNull();
    }

    @Test
    void whatAReplayedStreamCannotCarryIsNotCached() {
        assertThat(request(",\"temperature\":0,\"logprobs\":true")).isEqualTo("logprobs");
        assertThat(request(",\"temperature\":0,\"logprobs\":true,\"top_logprobs\":2")).isEqualTo("logprobs");
        assertThat(request(",\"temperature\":0,\"logprobs\":false")).isNull();
        assertThat(request(",\"temperature\":0,\"modalities\":[\"text\",\"audio\"],\"audio\":{\"voice\":\"alloy\",\"format\":\"wav\"}"))
                .isEqualTo("audio");
        assertThat(request(",\"temperature\":0,\"modalities\":[\"text\"]")).isNull();
    }

    @Test
    void aRequestWithFieldsTheCanonicalFormLacksIsNotCached() {
        String body = "{\"model\":\"m\",\"max_tokens\":10,\"temperature\":0,\"container\":\"c-1\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(LOOSE.refuseRequest(AnthropicIngress.INSTANCE.decode(Operation.CHAT, body.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("dialect_only_fields");
    }

    @Test
    void answers() {
        String text = "{\"role\":\"assistant\",\"content\":\"4\"}";
        String calls = "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"t\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}";
        assertThat(answer(STRICT, "\"stop\"", text)).isNull();
        assertThat(answer(STRICT, "\"length\"", text)).isNull();
        assertThat(answer(LOOSE, "\"content_filter\"", text)).isEqualTo("content_filter");
        assertThat(answer(LOOSE, "null", text)).isEqualTo("unfinished");
        assertThat(answer(LOOSE, "\"stop\"", "{\"role\":\"assistant\",\"content\":null,\"refusal\":\"I can't\"}")).isEqualTo("refusal");
        assertThat(answer(STRICT, "\"tool_calls\"", calls)).isEqualTo("tool_calls");
        assertThat(answer(STRICT, "\"stop\"", calls)).isEqualTo("tool_calls");
        assertThat(answer(LOOSE, "\"tool_calls\"", calls)).isNull();
        assertThat(STRICT.refuseAnswer("{\"error\":{\"message\":\"x\"}}".getBytes(StandardCharsets.UTF_8))).isEqualTo("error");
        assertThat(STRICT.refuseAnswer("not json".getBytes(StandardCharsets.UTF_8))).isEqualTo("not_json");
        assertThat(STRICT.refuseAnswer("{\"object\":\"chat.completion\",\"choices\":[]}".getBytes(StandardCharsets.UTF_8))).isEqualTo("empty");
        assertThat(STRICT.refuseAnswer("{\"object\":\"list\",\"data\":[{\"embedding\":[0.1]}]}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(STRICT.refuseStatus(200)).isNull();
        assertThat(STRICT.refuseStatus(429)).isEqualTo("error");
        assertThat(STRICT.refuseStatus(500)).isEqualTo("error");
    }
}

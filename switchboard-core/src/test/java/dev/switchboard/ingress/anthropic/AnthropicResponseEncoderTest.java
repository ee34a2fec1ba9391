package dev.switchboard.ingress.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AnthropicResponseEncoderTest {
    @Test
    void completionBecomesAMessage() throws Exception {
        byte[] out = AnthropicResponseEncoder.encode("""
                {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o","choices":[{"index":0,
                 "message":{"role":"assistant","content":"Checking.","tool_calls":[{"id":"call_1","type":"function",
                   "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                 "finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18,"prompt_tokens_details":{"cached_tokens":3}}}
                """.getBytes(StandardCharsets.UTF_8), "smart");
        assertThat(Json.MAPPER.readTree(out)).isEqualTo(Json.MAPPER.readTree("""
                {"id":"msg_chatcmpl-1","type":"message","role":"assistant","model":"gpt-4o",
                 "content":[{"type":"text","text":"Checking."},
                   {"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}}],
                 "stop_reason":"tool_use","stop_sequence":null,
                 "usage":{"input_tokens":8,"cache_creation_input_tokens":0,"cache_read_input_tokens":3,"output_tokens":7}}
                """));
    }

    @Test
    void stopReasons() {
        assertThat(AnthropicStopReason.fromFinishReason("stop")).isEqualTo("end_turn");
        assertThat(AnthropicStopReason.fromFinishReason("length")).isEqualTo("max_tokens");
        assertThat(AnthropicStopReason.fromFinishReason("tool_calls")).isEqualTo("tool_use");
        assertThat(AnthropicStopReason.fromFinishReason("content_filter")).isEqualTo("refusal");
    }

    @Test
    void errorShapes() throws Exception {
        assertThat(Json.MAPPER.readTree(AnthropicErrorEncoder.encode(new GatewayException(ErrorKind.UNAUTHENTICATED, "no"))))
                .isEqualTo(Json.MAPPER.readTree("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"no\"}}"));
        assertThat(AnthropicErrorEncoder.type(new GatewayException(ErrorKind.MODEL_NOT_FOUND, "x"))).isEqualTo("not_found_error");
        assertThat(AnthropicErrorEncoder.type(new GatewayException(ErrorKind.MODEL_NOT_ALLOWED, "x"))).isEqualTo("permission_error");
        assertThat(AnthropicErrorEncoder.type(new GatewayException(ErrorKind.UPSTREAM_RATE_LIMITED, "x"))).isEqualTo("rate_limit_error");
        assertThat(AnthropicErrorEncoder.type(new GatewayException(ErrorKind.UPSTREAM_OVERLOADED, "x"))).isEqualTo("overloaded_error");
        assertThat(AnthropicErrorEncoder.type(new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, "x"))).isEqualTo("api_error");
        assertThat(AnthropicErrorEncoder.type(new GatewayException(ErrorKind.MISSING_PARAMETER, "x"))).isEqualTo("invalid_request_error");
        assertThat(new String(AnthropicErrorEncoder.encodeEvent(new GatewayException(ErrorKind.UPSTREAM_OVERLOADED, "busy")),
                StandardCharsets.UTF_8)).isEqualTo("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"busy\"}}\n\n");
    }
}

package dev.switchboard.ingress.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.model.ModelRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AnthropicRequestDecoderTest {
    private static ModelRequest decode(String json) {
        return AnthropicRequestDecoder.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s);
    }

    @Test
    void fullRequestBecomesTheCanonicalBody() throws Exception {
        ModelRequest req = decode("""
                {"model":"claude-x","max_tokens":100,"temperature":0.5,"top_p":0.9,"top_k":5,
                 "system":[{"type":"text","text":"Be terse.","cache_control":{"type":"ephemeral"}}],
                 "stop_sequences":["END"],"stream":true,"metadata":{"user_id":"u-1"},
                 "thinking":{"type":"enabled","budget_tokens":2048},
                 "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object"}}],
                 "tool_choice":{"type":"any","disable_parallel_tool_use":true},
                 "messages":[
                  {"role":"user","content":[{"type":"text","text":"hi"},
                     {"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}},
                     {"type":"image","source":{"type":"url","url":"https://x/y.png"}},
                     {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBE"}}]},
                  {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"sig"},
                     {"type":"text","text":"Let me check."},
                     {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny"},
                     {"type":"text","text":"thanks"}]}]}
                """);
        assertThat(req.model()).isEqualTo("claude-x");
        assertThat(req.stream()).isTrue();
        assertThat(req.clientRequestedUsage()).isTrue();
        assertThat(req.body()).isEqualTo(json("""
                {"model":"claude-x","messages":[
                  {"role":"system","content":[{"type":"text","text":"Be terse.","cache_control":{"type":"ephemeral"}}]},
                  {"role":"user","content":[{"type":"text","text":"hi"},
                     {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},
                     {"type":"image_url","image_url":{"url":"https://x/y.png"}},
                     {"type":"file","file":{"file_data":"data:application/pdf;base64,JVBE"}}]},
                  {"role":"assistant","content":"Let me check.",
                   "tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}],
                   "thinking_blocks":[{"type":"thinking","thinking":"hmm","signature":"sig"}]},
                  {"role":"tool","tool_call_id":"toolu_1","content":"sunny"},
                  {"role":"user","content":[{"type":"text","text":"thanks"}]}],
                 "max_tokens":100,"temperature":0.5,"top_p":0.9,"top_k":5,"stop":["END"],
                 "stream":true,"stream_options":{"include_usage":true},
                 "thinking":{"type":"enabled","budget_tokens":2048},"user":"u-1",
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object"}}}],
                 "tool_choice":"required","parallel_tool_calls":false}
                """));
    }

    @Test
    void toolChoiceVariants() {
        String base = "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"tools\":[{\"name\":\"t\",\"input_schema\":{\"type\":\"object\"}}],\"tool_choice\":";
        assertThat(decode(base + "{\"type\":\"auto\"}}").body().get("tool_choice").asText()).isEqualTo("auto");
        assertThat(decode(base + "{\"type\":\"none\"}}").body().get("tool_choice").asText()).isEqualTo("none");
        assertThat(decode(base + "{\"type\":\"tool\",\"name\":\"t\"}}").body().get("tool_choice").toString())
                .isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"t\"}}");
    }

    @Test
    void systemStringAndToolResultBlocks() {
        ModelRequest req = decode("""
                {"model":"m","max_tokens":5,"system":"sys","messages":[{"role":"user","content":[
                 {"type":"tool_result","tool_use_id":"a","content":[{"type":"text","text":"r1"}]}]}]}
                """);
        JsonNode messages = req.body().get("messages");
        assertThat(messages.get(0).toString()).isEqualTo("{\"role\":\"system\",\"content\":\"sys\"}");
        assertThat(messages.get(1).toString())
                .isEqualTo("{\"role\":\"tool\",\"tool_call_id\":\"a\",\"content\":[{\"type\":\"text\",\"text\":\"r1\"}]}");
        assertThat(messages).hasSize(2);
    }

    @Test
    void missingFieldsAreClear400s() {
        assertMissing("{\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "model");
        assertMissing("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "max_tokens");
        assertMissing("{\"model\":\"m\",\"max_tokens\":1}", "messages");
    }

    @Test
    void countTokensNeedsNoMaxTokens() {
        ModelRequest req = AnthropicRequestDecoder.decode(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}".getBytes(StandardCharsets.UTF_8), false);
        assertThat(req.body().has("max_tokens")).isFalse();
    }

    @Test
    void badValuesAreRefused() {
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> decode(
                "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}"));
        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_PARAMETER);
        assertThat(e.getMessage()).startsWith("messages.0.role:");
        e = catchThrowableOfType(GatewayException.class, () -> decode("{\"model\":\"m\",\"max_tokens\":1,\"messages\":"
                + "[{\"role\":\"user\",\"content\":[{\"text\":\"no type\"}]}]}"));
        assertThat(e.getMessage()).startsWith("messages.0.content.0.type:");
        e = catchThrowableOfType(GatewayException.class, () -> decode("not json"));
        assertThat(e.kind()).isEqualTo(ErrorKind.MALFORMED_JSON);
    }

    private static void assertMissing(String body, String field) {
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> decode(body));
        assertThat(e.kind()).isEqualTo(ErrorKind.MISSING_PARAMETER);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo(field + ": Field required");
    }

    @Test
    void fieldsWithoutACanonicalFormAreListedNotLost() throws Exception {
        ModelRequest req = decode("""
                {"model":"m","max_tokens":10,"messages":[{"role":"user","content":"hi"}],
                 "thread":{"type":"create"},"mcp_servers":[],"service_tier":"auto","speed":"fast","container":null,
                 "output_config":{"effort":"max","task_budget":{"type":"tokens","total":5},
                                  "format":{"type":"json_schema","schema":{"type":"object"}}},
                 "x_new_field":1}
                """);
        assertThat(req.dialectOnly()).containsExactly("thread", "mcp_servers", "x_new_field",
                "output_config.effort", "output_config.task_budget");
        // server tools, server tool blocks and Files API sources: only an Anthropic provider can take them
        ModelRequest agent = decode("""
                {"model":"m","max_tokens":10,
                 "tools":[{"name":"f","input_schema":{"type":"object"}},{"type":"web_search_20250305","name":"web_search"}],
                 "messages":[{"role":"user","content":[{"type":"text","text":"news?"},
                                {"type":"image","source":{"type":"file","file_id":"file_01"}}]},
                   {"role":"assistant","content":[{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}},
                      {"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[]},{"type":"text","text":"ok"}]},
                   {"role":"user","content":"thanks"}]}
                """);
        assertThat(agent.dialectOnly()).containsExactly("messages.0.content.1.source", "messages.1.content.0",
                "messages.1.content.1", "tools.1");
        assertThat(agent.body().path("tools")).hasSize(1);
        assertThat(agent.body().path("messages").get(1).path("content").asText()).isEqualTo("ok");
        assertThat(req.body().path("response_format")).isEqualTo(json("""
                {"type":"json_schema","json_schema":{"name":"output","schema":{"type":"object"}}}"""));
        assertThat(req.body().has("reasoning_effort")).isFalse();
        assertThat(req.body().has("service_tier")).isFalse();
        assertThat(decode("""
                {"model":"m","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"output_config":{"effort":"high"}}
                """).body().path("reasoning_effort").asText()).isEqualTo("high");
    }
}

package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The Anthropic fake's answers in schema-aware mode: tool_use blocks as {@link ToolPlay} decides
 * ({@code tool_choice} type tool forces one; {@code disable_parallel_tool_use} disables the second call);
 * {@code output_config.format} json_schema answered with a {@link SchemaSample} as the text; and a
 * {@code thread} refused with the error Anthropic defines for a request that cannot be threaded
 * ({@code thread_unsupported_request}), after which a client resends the whole conversation unthreaded.
 */
final class AnthropicSchemaAnswers {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AnthropicSchemaAnswers() {}

    static List<ObjectNode> toolCalls(JsonNode request, int message) {
        JsonNode tools = request.path("tools");
        JsonNode choice = request.path("tool_choice");
        if (!tools.isArray() || tools.isEmpty() || "none".equals(choice.path("type").asText())
                || FakeAnthropicUpstream.lastUserHasToolResult(request)) {
            return List.of();
        }
        List<ToolPlay.Tool> offered = new ArrayList<>();
        for (JsonNode t : tools) {
            offered.add(new ToolPlay.Tool(t.path("name").asText(), t.path("input_schema")));
        }
        String forced = "tool".equals(choice.path("type").asText()) ? choice.path("name").asText() : null;
        boolean parallel = !choice.path("disable_parallel_tool_use").asBoolean(false);
        List<ObjectNode> out = new ArrayList<>();
        List<ToolPlay.Call> calls = ToolPlay.calls(offered, forced, parallel, lastUserText(request));
        for (int k = 0; k < calls.size(); k++) {
            ObjectNode call = MAPPER.createObjectNode();
            call.put("type", "tool_use");
            call.put("id", "toolu_01Fake" + message + "x" + k);
            call.put("name", calls.get(k).name());
            call.set("input", calls.get(k).args());
            out.add(call);
        }
        return out;
    }

    /** The JSON text answering {@code output_config.format} json_schema, or null when none is asked for. */
    static String structured(JsonNode request) {
        JsonNode format = request.path("output_config").path("format");
        if (!"json_schema".equals(format.path("type").asText()) || FakeAnthropicUpstream.lastUserHasToolResult(request)) {
            return null;
        }
        return SchemaSample.of(format.path("schema"), 1).toString();
    }

    /** The request as the rules check it: {@code output_config} is understood here, so it is not an unknown field. */
    static JsonNode withoutOutputConfig(JsonNode request) {
        if (!request.has("output_config")) {
            return request;
        }
        ObjectNode copy = request.deepCopy();
        copy.remove("output_config");
        return copy;
    }

    static FakeAnthropicUpstream.Behavior threadUnsupported() {
        return (req, json) -> {
            ObjectNode root = MAPPER.createObjectNode();
            root.put("type", "error");
            ObjectNode error = root.putObject("error");
            error.put("type", "invalid_request_error");
            error.put("message", "This request cannot be sent on a thread. Send the full conversation without `thread`.");
            error.putObject("details").put("error_code", "thread_unsupported_request");
            root.put("request_id", "req_011CTestFake");
            req.response().setStatusCode(400).putHeader("content-type", "application/json")
                    .putHeader("request-id", "req_011CTestFake").end(root.toString());
        };
    }

    private static String lastUserText(JsonNode request) {
        JsonNode messages = request.path("messages");
        JsonNode c = messages.path(messages.size() - 1).path("content");
        if (c.isTextual()) {
            return c.asText();
        }
        StringBuilder sb = new StringBuilder();
        c.forEach(b -> sb.append(b.path("text").asText("")));
        return sb.toString();
    }
}

package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI chat answers in schema-aware mode: tool calls as {@link ToolPlay} decides ({@code tool_choice} a named
 * function forces it; {@code parallel_tool_calls: false} disables the second call), {@code response_format}
 * {@code json_schema} answered with a {@link SchemaSample} of the schema, and after tool results a text
 * "results: " with their contents joined by "; ". Streams split each call's arguments in three deltas.
 */
final class OpenAiSchemaAnswers {
    private OpenAiSchemaAnswers() {}

    /** What OpenAI refuses that the gateway could send: a tool message answering no call of the message before. */
    static String problem(JsonNode request) {
        java.util.Set<String> open = new java.util.HashSet<>();
        for (JsonNode m : request.path("messages")) {
            String role = m.path("role").asText();
            if (role.equals("tool")) {
                if (!open.contains(m.path("tool_call_id").asText())) {
                    return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
                }
            } else {
                open.clear();
                m.path("tool_calls").forEach(c -> open.add(c.path("id").asText()));
            }
        }
        return null;
    }

    static List<ToolPlay.Call> calls(JsonNode request) {
        JsonNode tools = request.path("tools");
        JsonNode choice = request.path("tool_choice");
        JsonNode messages = request.path("messages");
        if (!tools.isArray() || tools.isEmpty() || "none".equals(choice.asText(""))
                || "tool".equals(messages.path(messages.size() - 1).path("role").asText())) {
            return List.of();
        }
        List<ToolPlay.Tool> offered = new ArrayList<>();
        for (JsonNode t : tools) {
            offered.add(new ToolPlay.Tool(t.path("function").path("name").asText(), t.path("function").path("parameters")));
        }
        String forced = choice.isObject() ? choice.path("function").path("name").asText(null) : null;
        boolean parallel = request.path("parallel_tool_calls").asBoolean(true);
        return ToolPlay.calls(offered, forced, parallel, OpenAiSimulator.answerFor(request).substring("echo: ".length()));
    }

    static String text(JsonNode request) {
        JsonNode messages = request.path("messages");
        List<String> results = new ArrayList<>();
        for (int i = messages.size() - 1; i >= 0 && "tool".equals(messages.get(i).path("role").asText()); i--) {
            JsonNode c = messages.get(i).path("content");
            results.add(0, c.isTextual() ? c.asText() : c.path(0).path("text").asText());
        }
        if (!results.isEmpty()) {
            return "results: " + String.join("; ", results);
        }
        JsonNode format = request.path("response_format");
        if ("json_schema".equals(format.path("type").asText())) {
            return SchemaSample.of(format.path("json_schema").path("schema"), 1).toString();
        }
        if ("json_object".equals(format.path("type").asText())) {
            return "{\"answer\":\"" + OpenAiSimulator.answerFor(request).replace("\"", "'") + "\"}";
        }
        return OpenAiSimulator.answerFor(request);
    }

    static ObjectNode chatCompletion(JsonNode request) {
        ObjectNode out = OpenAiSimulator.envelope("chatcmpl-fake", "chat.completion", request.path("model").asText());
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.putNull("refusal");
        List<ToolPlay.Call> calls = calls(request);
        if (calls.isEmpty()) {
            message.put("content", text(request));
            choice.put("finish_reason", "stop");
        } else {
            message.putNull("content");
            ArrayNode arr = message.putArray("tool_calls");
            for (int k = 0; k < calls.size(); k++) {
                arr.addObject().put("id", "call_fake_" + k).put("type", "function").putObject("function")
                        .put("name", calls.get(k).name()).put("arguments", calls.get(k).args().toString());
            }
            choice.put("finish_reason", "tool_calls");
        }
        choice.putNull("logprobs");
        OpenAiSimulator.usage(out, request, 7);
        out.put("system_fingerprint", "fp_fake");
        return out;
    }

    static List<String> streamEvents(JsonNode request) {
        String model = request.path("model").asText();
        boolean includeUsage = request.path("stream_options").path("include_usage").asBoolean(false);
        List<String> events = new ArrayList<>();
        ObjectNode first = chunk(model);
        first.putArray("choices").addObject().put("index", 0).putNull("logprobs").putNull("finish_reason")
                .putObject("delta").put("role", "assistant").put("content", "").putNull("refusal");
        events.add(first.toString());
        List<ToolPlay.Call> calls = calls(request);
        for (int k = 0; k < calls.size(); k++) {
            ObjectNode start = chunk(model);
            start.putArray("choices").addObject().put("index", 0).putNull("finish_reason").putObject("delta")
                    .putArray("tool_calls").addObject().put("index", k).put("id", "call_fake_" + k).put("type", "function")
                    .putObject("function").put("name", calls.get(k).name()).put("arguments", "");
            events.add(start.toString());
            String args = calls.get(k).args().toString();
            int a = args.length() / 3;
            int b = 2 * args.length() / 3;
            for (String part : List.of(args.substring(0, a), args.substring(a, b), args.substring(b))) {
                ObjectNode delta = chunk(model);
                delta.putArray("choices").addObject().put("index", 0).putNull("finish_reason").putObject("delta")
                        .putArray("tool_calls").addObject().put("index", k).putObject("function").put("arguments", part);
                events.add(delta.toString());
            }
        }
        if (calls.isEmpty()) {
            for (String word : text(request).split("(?<= )")) {
                ObjectNode c = chunk(model);
                c.putArray("choices").addObject().put("index", 0).putNull("finish_reason").putObject("delta").put("content", word);
                events.add(c.toString());
            }
        }
        events.add(OpenAiSimulator.finish(model, calls.isEmpty() ? "stop" : "tool_calls"));
        if (includeUsage) {
            ObjectNode u = chunk(model);
            u.putArray("choices");
            OpenAiSimulator.usage(u, request, 7);
            events.add(u.toString());
        }
        events.add("[DONE]");
        return events;
    }

    private static ObjectNode chunk(String model) {
        return OpenAiSimulator.envelope("chatcmpl-fake", "chat.completion.chunk", model);
    }
}

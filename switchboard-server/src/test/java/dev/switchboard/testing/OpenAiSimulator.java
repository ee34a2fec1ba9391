package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * OpenAI's answers in their real wire format, computed from the request: chat completions (tools, n, logprobs,
 * JSON modes), streamed chunks incl. the usage chunk, legacy completions and embeddings. Pure; used by
 * {@link FakeUpstream}.
 */
final class OpenAiSimulator {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OpenAiSimulator() {}

    /** The text the simulator answers with: "echo: " and the last user text. */
    public static String answerFor(JsonNode request) {
        JsonNode messages = request.path("messages");
        String last = "";
        for (JsonNode m : messages) {
            if ("user".equals(m.path("role").asText())) {
                JsonNode c = m.path("content");
                if (c.isTextual()) {
                    last = c.asText();
                } else if (c.isArray()) {
                    StringBuilder sb = new StringBuilder();
                    for (JsonNode part : c) {
                        if ("text".equals(part.path("type").asText())) {
                            sb.append(part.path("text").asText());
                        }
                    }
                    last = sb.toString();
                }
            }
        }
        return "echo: " + last;
    }

    private static boolean wantsTools(JsonNode request) {
        JsonNode tools = request.path("tools");
        JsonNode choice = request.path("tool_choice");
        return tools.isArray() && !tools.isEmpty() && !"none".equals(choice.asText(""))
                && !hasToolResult(request);
    }

    private static boolean hasToolResult(JsonNode request) {
        for (JsonNode m : request.path("messages")) {
            if ("tool".equals(m.path("role").asText())) {
                return true;
            }
        }
        return false;
    }

    static ObjectNode chatCompletion(JsonNode request) {
        return chatCompletion(request, false);
    }

    /** With {@code schemaAware}, tool calls and structured output follow {@link ToolPlay} and {@link SchemaSample}. */
    static ObjectNode chatCompletion(JsonNode request, boolean schemaAware) {
        if (schemaAware) {
            return OpenAiSchemaAnswers.chatCompletion(request);
        }
        ObjectNode out = envelope("chatcmpl-fake", "chat.completion", request.path("model").asText());
        ArrayNode choices = out.putArray("choices");
        int n = request.path("n").asInt(1);
        String text = answerFor(request);
        for (int i = 0; i < n; i++) {
            ObjectNode choice = choices.addObject();
            choice.put("index", i);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.putNull("refusal");
            if (wantsTools(request)) {
                message.putNull("content");
                ArrayNode calls = message.putArray("tool_calls");
                int k = 0;
                for (JsonNode tool : request.path("tools")) {
                    ObjectNode call = calls.addObject();
                    call.put("id", "call_" + i + "_" + k++);
                    call.put("type", "function");
                    call.putObject("function").put("name", tool.path("function").path("name").asText())
                            .put("arguments", "{\"city\":\"Paris\"}");
                }
                choice.put("finish_reason", "tool_calls");
            } else {
                message.put("content", responseText(request, text));
                choice.put("finish_reason", "stop");
            }
            if (request.path("logprobs").asBoolean(false)) {
                ObjectNode lp = choice.putObject("logprobs");
                ArrayNode content = lp.putArray("content");
                content.addObject().put("token", "echo").put("logprob", -0.01).putNull("bytes").putArray("top_logprobs");
                lp.putNull("refusal");
            } else {
                choice.putNull("logprobs");
            }
        }
        usage(out, request, 7 * n);
        out.put("system_fingerprint", "fp_fake");
        return out;
    }

    private static String responseText(JsonNode request, String text) {
        String type = request.path("response_format").path("type").asText("");
        if (type.equals("json_object") || type.equals("json_schema")) {
            return "{\"answer\":\"" + text.replace("\"", "'") + "\"}";
        }
        return text;
    }

    /** The data payloads of a streamed answer, ending with [DONE]. */
    static List<String> streamEvents(JsonNode request) {
        return streamEvents(request, false);
    }

    static List<String> streamEvents(JsonNode request, boolean schemaAware) {
        if (schemaAware) {
            return OpenAiSchemaAnswers.streamEvents(request);
        }
        String model = request.path("model").asText();
        List<String> events = new ArrayList<>();
        ObjectNode first = envelope("chatcmpl-fake", "chat.completion.chunk", model);
        first.putArray("choices").addObject().put("index", 0).putNull("logprobs").putNull("finish_reason")
                .putObject("delta").put("role", "assistant").put("content", "").putNull("refusal");
        boolean includeUsage = request.path("stream_options").path("include_usage").asBoolean(false);
        if (includeUsage) {
            first.putNull("usage");
        }
        events.add(first.toString());
        if (wantsTools(request)) {
            int k = 0;
            for (JsonNode tool : request.path("tools")) {
                ObjectNode start = envelope("chatcmpl-fake", "chat.completion.chunk", model);
                ObjectNode call = start.putArray("choices").addObject().put("index", 0).putNull("finish_reason")
                        .putObject("delta").putArray("tool_calls").addObject();
                call.put("index", k).put("id", "call_" + k).put("type", "function")
                        .putObject("function").put("name", tool.path("function").path("name").asText()).put("arguments", "");
                events.add(start.toString());
                for (String part : List.of("{\"city\"", ":\"Pa", "ris\"}")) {
                    ObjectNode delta = envelope("chatcmpl-fake", "chat.completion.chunk", model);
                    delta.putArray("choices").addObject().put("index", 0).putNull("finish_reason")
                            .putObject("delta").putArray("tool_calls").addObject().put("index", k)
                            .putObject("function").put("arguments", part);
                    events.add(delta.toString());
                }
                k++;
            }
            events.add(finish(model, "tool_calls"));
        } else {
            for (String word : responseText(request, answerFor(request)).split("(?<= )")) {
                ObjectNode c = envelope("chatcmpl-fake", "chat.completion.chunk", model);
                c.putArray("choices").addObject().put("index", 0).putNull("finish_reason").putObject("delta").put("content", word);
                if (includeUsage) {
                    c.putNull("usage");
                }
                events.add(c.toString());
            }
            events.add(finish(model, "stop"));
        }
        if (includeUsage) {
            ObjectNode u = envelope("chatcmpl-fake", "chat.completion.chunk", model);
            u.putArray("choices");
            usage(u, request, 7);
            events.add(u.toString());
        }
        events.add("[DONE]");
        return events;
    }

    static String finish(String model, String reason) {
        ObjectNode c = envelope("chatcmpl-fake", "chat.completion.chunk", model);
        c.putArray("choices").addObject().put("index", 0).put("finish_reason", reason).putObject("delta");
        return c.toString();
    }

    static ObjectNode textCompletion(JsonNode request) {
        ObjectNode out = envelope("cmpl-fake", "text_completion", request.path("model").asText());
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("text", "echo: " + request.path("prompt").asText());
        choice.put("index", 0);
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        usage(out, request, 3);
        return out;
    }

    static ObjectNode embeddings(JsonNode request) {
        ObjectNode out = MAPPER.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        JsonNode input = request.path("input");
        int count = input.isArray() ? input.size() : 1;
        boolean base64 = "base64".equals(request.path("encoding_format").asText());
        float[] vector = {0.25f, -0.5f, 0.125f, 1.0f};
        for (int i = 0; i < count; i++) {
            ObjectNode e = data.addObject();
            e.put("object", "embedding");
            e.put("index", i);
            if (base64) {
                ByteBuffer bb = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : vector) {
                    bb.putFloat(f);
                }
                e.put("embedding", Base64.getEncoder().encodeToString(bb.array()));
            } else {
                ArrayNode arr = e.putArray("embedding");
                for (float f : vector) {
                    arr.add(f);
                }
            }
        }
        out.put("model", request.path("model").asText());
        out.putObject("usage").put("prompt_tokens", 5 * count).put("total_tokens", 5 * count);
        return out;
    }

    static ObjectNode envelope(String id, String object, String model) {
        ObjectNode out = MAPPER.createObjectNode();
        out.put("id", id);
        out.put("object", object);
        out.put("created", 1_731_000_000L);
        out.put("model", model);
        return out;
    }

    /** Usage with details: 11 prompt tokens of which 3 cached; completion tokens of which 2 reasoning. */
    static void usage(ObjectNode out, JsonNode request, int completion) {
        ObjectNode u = out.putObject("usage");
        u.put("prompt_tokens", 11);
        u.put("completion_tokens", completion);
        u.put("total_tokens", 11 + completion);
        u.putObject("prompt_tokens_details").put("cached_tokens", 3).put("audio_tokens", 0);
        u.putObject("completion_tokens_details").put("reasoning_tokens", 2).put("audio_tokens", 0)
                .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
    }
}

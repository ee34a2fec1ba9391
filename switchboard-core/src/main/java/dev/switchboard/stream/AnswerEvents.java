package dev.switchboard.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.json.Json;
import dev.switchboard.usage.OpenAiUsageReader;
import dev.switchboard.usage.Usage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole canonical chat answer ({@code chat.completion}) as the events a stream of it would have carried: how an
 * answer made without a provider (a stage's, e.g. a cache hit) reaches a client that asked for a stream.
 */
public final class AnswerEvents {
    private AnswerEvents() {}

    /** The events; throws IllegalArgumentException when the bytes are not a chat completion object. */
    public static List<StreamEvent> of(byte[] chatCompletion) {
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(chatCompletion);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON", e);
        }
        if (answer == null || !answer.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        List<StreamEvent> out = new ArrayList<>();
        out.add(new StreamEvent.Started(answer.path("id").asText(""), answer.path("model").asText(""),
                answer.path("created").asLong(System.currentTimeMillis() / 1000)));
        JsonNode choices = answer.path("choices");
        for (int i = 0; i < choices.size(); i++) {
            JsonNode choice = choices.get(i);
            int index = choice.path("index").asInt(i);
            JsonNode message = choice.path("message");
            out.add(new StreamEvent.ChoiceStarted(index));
            String reasoning = message.path("reasoning_content").asText("");
            if (!reasoning.isEmpty()) {
                out.add(new StreamEvent.ReasoningDelta(index, reasoning));
            }
            for (JsonNode block : message.path("thinking_blocks")) {
                out.add(new StreamEvent.ReasoningSealed(index, block.path("type").asText("thinking"),
                        block.path("signature").asText(null), block.path("data").asText(null)));
            }
            String text = text(message.get("content"));
            if (!text.isEmpty()) {
                out.add(new StreamEvent.TextDelta(index, text));
            }
            JsonNode calls = message.path("tool_calls");
            for (int j = 0; j < calls.size(); j++) {
                JsonNode call = calls.get(j);
                out.add(new StreamEvent.ToolCallDelta(index, j, call.path("id").asText(""),
                        call.path("function").path("name").asText(""), call.path("function").path("arguments").asText("")));
            }
            out.add(new StreamEvent.Finished(index, choice.path("finish_reason").asText("stop")));
        }
        Usage usage = OpenAiUsageReader.read(answer.get("usage"));
        if (usage != null) {
            out.add(new StreamEvent.UsageReported(usage));
        }
        return out;
    }

    /** Message content as text: a string, or the text parts of an array. */
    private static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asText())) {
                sb.append(part.path("text").asText(""));
            }
        }
        return sb.toString();
    }
}

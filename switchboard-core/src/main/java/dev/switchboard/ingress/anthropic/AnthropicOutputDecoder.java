package dev.switchboard.ingress.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Anthropic's structured outputs and effort as canonical fields: a JSON schema format (GA {@code output_config.format}
 * or the beta {@code output_format}, which the SDKs' {@code messages.parse()} send) becomes
 * {@code response_format: json_schema}, so OpenAI, Gemini and Bedrock upstreams constrain the answer too; the
 * answer's JSON comes back as the message's text, as Anthropic returns it. {@code output_config.effort} becomes
 * {@code reasoning_effort}. A format or effort this package cannot translate is dialect-only (see
 * {@link AnthropicFields}), so only an Anthropic provider gets it. OpenAI's {@code strict} is not asked for: it
 * refuses schemas Anthropic accepts (optional properties).
 */
final class AnthropicOutputDecoder {
    private static final Set<String> EFFORTS = Set.of("low", "medium", "high");

    private AnthropicOutputDecoder() {}

    static void decode(ObjectNode in, ObjectNode out, List<String> dialectOnly) {
        JsonNode config = in.get("output_config");
        JsonNode format = null;
        String formatPath = null;
        if (config != null && !config.isNull()) {
            if (!config.isObject()) {
                throw AnthropicRequestProblems.invalid("output_config", "Input should be an object");
            }
            for (Map.Entry<String, JsonNode> e : config.properties()) {
                String key = e.getKey();
                JsonNode v = e.getValue();
                if (v.isNull()) {
                    continue;
                }
                switch (key) {
                    case "format" -> {
                        format = v;
                        formatPath = "output_config.format";
                    }
                    case "effort" -> effort(v, out, dialectOnly);
                    default -> dialectOnly.add("output_config." + key);
                }
            }
        }
        JsonNode beta = in.get("output_format");
        if (format == null && beta != null && !beta.isNull()) {
            format = beta;
            formatPath = "output_format";
        }
        if (format != null) {
            format(format, formatPath, out, dialectOnly);
        }
    }

    private static void effort(JsonNode v, ObjectNode out, List<String> dialectOnly) {
        if (!v.isTextual()) {
            throw AnthropicRequestProblems.invalid("output_config.effort", "Input should be a valid string");
        }
        if (EFFORTS.contains(v.asText())) {
            out.put("reasoning_effort", v.asText());
        } else {
            dialectOnly.add("output_config.effort");
        }
    }

    private static void format(JsonNode f, String path, ObjectNode out, List<String> dialectOnly) {
        if (!f.isObject() || !f.path("type").isTextual()) {
            throw AnthropicRequestProblems.invalid(path, "Input should be an object with a 'type'");
        }
        if (!"json_schema".equals(f.path("type").asText())) {
            dialectOnly.add(path);
            return;
        }
        JsonNode schema = f.get("schema");
        if (schema == null || !schema.isObject()) {
            throw AnthropicRequestProblems.missing(path + ".schema");
        }
        ObjectNode rf = out.putObject("response_format").put("type", "json_schema");
        rf.putObject("json_schema").put("name", "output").set("schema", schema);
    }
}

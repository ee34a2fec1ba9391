package dev.switchboard.ingress.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Anthropic's structured outputs as the canonical {@code response_format}: {@code output_config.format} (and the
 * older beta {@code output_format}) {@code {"type":"json_schema","schema":{...}}} becomes
 * {@code {"type":"json_schema","json_schema":{"name":"output","schema":{...},"strict":true}}}, so a translated
 * provider answers with JSON text, which is what Anthropic answers with too. Dropping it would hand the client
 * prose where it asked for JSON. Other {@code output_config} members have no canonical counterpart.
 */
final class AnthropicOutputFormat {
    /** The json_schema name the canonical request carries; Anthropic's format has none. */
    static final String NAME = "output";

    private AnthropicOutputFormat() {}

    static void responseFormat(ObjectNode in, ObjectNode out) {
        JsonNode config = in.get("output_config");
        JsonNode format = null;
        String path = "output_config.format";
        if (config != null && !config.isNull()) {
            if (!config.isObject()) {
                throw AnthropicRequestProblems.invalid("output_config", "Input should be an object");
            }
            format = config.get("format");
        }
        if ((format == null || format.isNull()) && in.has("output_format")) {
            format = in.get("output_format");
            path = "output_format";
        }
        if (format == null || format.isNull()) {
            return;
        }
        if (!format.isObject()) {
            throw AnthropicRequestProblems.invalid(path, "Input should be an object");
        }
        if (!"json_schema".equals(format.path("type").asText(null))) {
            throw AnthropicRequestProblems.invalid(path + ".type", "Input should be 'json_schema'");
        }
        JsonNode schema = format.get("schema");
        if (schema == null || !schema.isObject()) {
            throw AnthropicRequestProblems.invalid(path + ".schema", "Input should be a JSON schema object");
        }
        ObjectNode rf = out.putObject("response_format");
        rf.put("type", "json_schema");
        rf.putObject("json_schema").put("name", NAME).put("strict", true).set("schema", schema.deepCopy());
    }
}

package dev.switchboard.ingress.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a translated route does with each top-level field of a Messages request (the table is in
 * docs/anthropic-ingress.md). Translated fields become canonical ones; hints that ask nothing of the answer are left
 * out; every other field, known or not, is dialect-only: an Anthropic provider gets it with the client's bytes, any
 * other provider refuses it by name or, under {@code unsupported_params: drop}, reports it dropped. Stateless.
 */
final class AnthropicFields {
    private AnthropicFields() {}

    /** Decoded into the canonical request by this package. */
    static final Set<String> TRANSLATED = Set.of("model", "messages", "max_tokens", "system", "stop_sequences",
            "stream", "temperature", "top_p", "top_k", "tools", "tool_choice", "metadata", "thinking",
            "output_format", "output_config");

    /**
     * Hints about Anthropic's own capacity and caching that ask nothing of the answer: not sent elsewhere, not
     * reported. {@code service_tier} picks Anthropic's priority capacity, {@code speed} its fast mode, a top-level
     * {@code cache_control} places Anthropic's cache marker (block-level markers are carried, and ignored by
     * providers that cache on their own), {@code diagnostics} asks for Anthropic's cache diagnostics report.
     */
    static final Set<String> IGNORED = Set.of("service_tier", "speed", "cache_control", "diagnostics");

    /** Why a dialect-only field cannot be carried, for the 400 that names it. */
    static final Map<String, String> WHY = Map.of(
            "thread", "message threads are kept by Anthropic's API; resend the whole conversation without 'thread'",
            "container", "code execution containers exist only at Anthropic",
            "mcp_servers", "the MCP connector runs at Anthropic; connect the MCP servers' tools as client tools",
            "context_management", "context editing runs at Anthropic",
            "inference_geo", "the inference region is Anthropic's setting; choose a provider in that region instead",
            "compaction", "compaction runs at Anthropic",
            "fallbacks", "Anthropic's own model fallbacks; configure fallbacks on the gateway's route instead",
            "output_config.effort", "the effort must be 'low', 'medium' or 'high' here");

    /**
     * The top-level fields of {@code in} a translated route cannot carry, in request order; nulls are absent. The
     * decoders add the paths of parts they cannot carry (server tools {@code tools.N}, content blocks and sources
     * {@code messages.N.content.M}, unknown {@code output_config} members).
     */
    static List<String> dialectOnly(JsonNode in) {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : in.properties()) {
            String name = e.getKey();
            if (e.getValue().isNull() || TRANSLATED.contains(name) || IGNORED.contains(name)) {
                continue;
            }
            found.add(name);
        }
        return found;
    }

    static String why(String field) {
        if (field.startsWith("tools.")) {
            return "server tools and Anthropic-defined tools run at Anthropic only; describe a client tool with an input_schema";
        }
        if (field.startsWith("messages.")) {
            return "this content block or source exists only at Anthropic";
        }
        String why = WHY.get(field);
        return why != null ? why : "the gateway knows no translation for this field";
    }
}

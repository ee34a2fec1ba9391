package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** What the fake Gemini API refuses, as the real one does: each broken rule throws {@link FakeGeminiUpstream.Invalid}. */
final class GeminiRequestRules {
    static final Set<String> TOP = Set.of("contents", "systemInstruction", "tools", "toolConfig", "generationConfig",
            "safetySettings", "cachedContent");
    static final Set<String> GENERATION = Set.of("temperature", "topP", "topK", "candidateCount", "maxOutputTokens",
            "stopSequences", "presencePenalty", "frequencyPenalty", "seed", "responseMimeType", "responseSchema",
            "responseJsonSchema", "thinkingConfig", "responseLogprobs", "logprobs", "responseModalities");
    static final Set<String> PART = Set.of("text", "inlineData", "fileData", "functionCall", "functionResponse",
            "thought", "thoughtSignature");
    static final Set<String> DECLARATION = Set.of("name", "description", "parameters", "parametersJsonSchema",
            "response", "responseJsonSchema", "behavior");

    private GeminiRequestRules() {}


    static void check(JsonNode body) {
        if (!body.isObject()) {
            throw new FakeGeminiUpstream.Invalid("Invalid JSON payload received. Expected an object.");
        }
        known(body, TOP, "");
        JsonNode contents = body.path("contents");
        if (!contents.isArray() || contents.isEmpty()) {
            throw new FakeGeminiUpstream.Invalid("* GenerateContentRequest.contents: contents is not specified");
        }
        JsonNode previous = null;
        for (int i = 0; i < contents.size(); i++) {
            JsonNode c = contents.get(i);
            known(c, Set.of("role", "parts"), "contents[" + i + "].");
            String role = c.path("role").asText("");
            if (!role.equals("user") && !role.equals("model")) {
                throw new FakeGeminiUpstream.Invalid("Please use a valid role: user, model.");
            }
            parts(c.path("parts"), "contents[" + i + "].parts");
            checkFunctionTurn(previous, c, i);
            previous = c;
        }
        JsonNode system = body.get("systemInstruction");
        if (system != null) {
            known(system, Set.of("role", "parts"), "system_instruction.");
            for (JsonNode p : system.path("parts")) {
                known(p, Set.of("text"), "system_instruction.parts[].");
            }
        }
        JsonNode gen = body.get("generationConfig");
        if (gen != null) {
            known(gen, GENERATION, "generation_config.");
            if (gen.has("responseJsonSchema") && !"application/json".equals(gen.path("responseMimeType").asText())) {
                throw new FakeGeminiUpstream.Invalid("* GenerateContentRequest.generation_config.response_mime_type: must be application/json when a schema is set");
            }
            if (gen.has("thinkingConfig")) {
                known(gen.get("thinkingConfig"), Set.of("thinkingBudget", "includeThoughts", "thinkingLevel"), "generation_config.thinking_config.");
            }
        }
        for (JsonNode tool : body.path("tools")) {
            known(tool, Set.of("functionDeclarations", "googleSearch", "codeExecution", "urlContext"), "tools[].");
            for (JsonNode d : tool.path("functionDeclarations")) {
                known(d, DECLARATION, "tools[].function_declarations[].");
                if (!d.path("name").isTextual()) {
                    throw new FakeGeminiUpstream.Invalid("* GenerateContentRequest.tools[0].function_declarations[0].name: Name cannot be empty.");
                }
            }
        }
        JsonNode config = body.path("toolConfig").path("functionCallingConfig");
        if (!config.isMissingNode()) {
            known(config, Set.of("mode", "allowedFunctionNames"), "tool_config.function_calling_config.");
            String mode = config.path("mode").asText("AUTO");
            if (!Set.of("AUTO", "ANY", "NONE", "VALIDATED").contains(mode)) {
                throw new FakeGeminiUpstream.Invalid("Invalid value at 'tool_config.function_calling_config.mode' (" + mode + ")");
            }
            if (config.has("allowedFunctionNames") && !mode.equals("ANY") && !mode.equals("VALIDATED")) {
                throw new FakeGeminiUpstream.Invalid("* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: only allowed when mode is ANY");
            }
        }
    }

    /** batchEmbedContents: {@code requests} only; each names the model of the URL and holds one text content. */
    static void checkEmbed(JsonNode body, String model) {
        if (!body.isObject()) {
            throw new FakeGeminiUpstream.Invalid("Invalid JSON payload received. Expected an object.");
        }
        known(body, Set.of("requests"), "");
        JsonNode requests = body.path("requests");
        if (!requests.isArray() || requests.isEmpty()) {
            throw new FakeGeminiUpstream.Invalid("* BatchEmbedContentsRequest.requests: requests is not specified");
        }
        for (int i = 0; i < requests.size(); i++) {
            JsonNode r = requests.get(i);
            String where = "requests[" + i + "].";
            known(r, Set.of("model", "content", "taskType", "title", "outputDimensionality"), where);
            if (!("models/" + model).equals(r.path("model").asText())) {
                throw new FakeGeminiUpstream.Invalid("* BatchEmbedContentsRequest." + where + "model: the model of each request must be the model of the batch"
                        + " (models/" + model + "), not '" + r.path("model").asText() + "'");
            }
            known(r.path("content"), Set.of("role", "parts"), where + "content.");
            JsonNode parts = r.path("content").path("parts");
            if (!parts.isArray() || parts.isEmpty()) {
                throw new FakeGeminiUpstream.Invalid("* BatchEmbedContentsRequest." + where + "content.parts must not be empty.");
            }
            for (JsonNode p : parts) {
                known(p, Set.of("text"), where + "content.parts[].");
                if (!p.path("text").isTextual()) {
                    throw new FakeGeminiUpstream.Invalid("* BatchEmbedContentsRequest." + where + "content.parts[].text must be a string");
                }
            }
            JsonNode dims = r.get("outputDimensionality");
            if (dims != null && (!dims.isIntegralNumber() || dims.asInt() < 1)) {
                throw new FakeGeminiUpstream.Invalid("* BatchEmbedContentsRequest." + where + "output_dimensionality must be a positive integer");
            }
        }
    }

    private static void parts(JsonNode parts, String where) {
        if (!parts.isArray() || parts.isEmpty()) {
            throw new FakeGeminiUpstream.Invalid("* GenerateContentRequest." + where + ": contents.parts must not be empty.");
        }
        for (JsonNode p : parts) {
            known(p, PART, where + "[].");
            int data = 0;
            for (String f : List.of("text", "inlineData", "fileData", "functionCall", "functionResponse")) {
                data += p.has(f) ? 1 : 0;
            }
            if (data != 1) {
                throw new FakeGeminiUpstream.Invalid("* GenerateContentRequest." + where + ": a part must hold exactly one kind of data");
            }
            if (p.has("inlineData")) {
                known(p.get("inlineData"), Set.of("mimeType", "data"), where + "[].inline_data.");
            }
            if (p.has("functionCall") && !p.get("functionCall").path("args").isObject()) {
                throw new FakeGeminiUpstream.Invalid("* " + where + "[].function_call.args must be an object");
            }
            if (p.has("functionResponse")) {
                known(p.get("functionResponse"), Set.of("id", "name", "response"), where + "[].function_response.");
                if (!p.get("functionResponse").path("response").isObject()) {
                    throw new FakeGeminiUpstream.Invalid("* " + where + "[].function_response.response must be an object");
                }
            }
        }
    }

    /** Function responses answer, one for one, the calls of the model turn just before; calls keep their signature. */
    private static void checkFunctionTurn(JsonNode previous, JsonNode c, int i) {
        List<String> calls = new ArrayList<>();
        if (previous != null && previous.path("role").asText().equals("model")) {
            for (JsonNode p : previous.path("parts")) {
                if (p.has("functionCall")) {
                    calls.add(p.get("functionCall").path("name").asText());
                }
            }
        }
        List<String> answers = new ArrayList<>();
        for (JsonNode p : c.path("parts")) {
            if (p.has("functionResponse")) {
                answers.add(p.get("functionResponse").path("name").asText());
            }
            if (p.has("functionCall") && p.get("functionCall").path("args").path("city").asText().equals("Paris")
                    && !FakeGeminiUpstream.SIGNATURE.equals(p.path("thoughtSignature").asText())) {
                throw new FakeGeminiUpstream.Invalid("Function call is missing a thought_signature in functionCall parts. (contents[" + i + "])");
            }
        }
        if (!answers.isEmpty() && !answers.equals(calls)) {
            throw new FakeGeminiUpstream.Invalid("Please ensure that the number of function response parts is equal to the number of function call parts"
                    + " of the function call turn (contents[" + i + "]: calls " + calls + ", responses " + answers + ").");
        }
    }

    private static void known(JsonNode node, Set<String> allowed, String where) {
        if (!node.isObject()) {
            throw new FakeGeminiUpstream.Invalid("Invalid value at '" + where + "': expected an object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new FakeGeminiUpstream.Invalid("Invalid JSON payload received. Unknown name \"" + f + "\" at '" + where + "': Cannot find field.");
            }
        }
    }

}

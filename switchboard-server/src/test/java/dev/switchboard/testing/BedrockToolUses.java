package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** The toolUse blocks {@link FakeBedrockUpstream} answers with: its fixed play, or the schema-aware one's calls. */
final class BedrockToolUses {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private BedrockToolUses() {}

    /** The schema-aware play's calls as toolUse blocks. */
    static List<ObjectNode> of(List<ToolPlay.Call> calls) {
        List<ObjectNode> uses = new ArrayList<>();
        for (int k = 0; k < calls.size(); k++) {
            ObjectNode use = MAPPER.createObjectNode();
            use.put("toolUseId", "tooluse_fake_" + k).put("name", calls.get(k).name());
            use.set("input", calls.get(k).args());
            uses.add(use);
        }
        return uses;
    }

    /**
     * The toolUse blocks a request is answered with: the named tool when toolChoice names one, else one call of
     * each of the first two tools (parallel use, as Claude does on Bedrock). Inputs follow the tool's schema:
     * "city" is Paris (then Tokyo), other properties "<name>-value", 1 or true by type.
     */
    static List<ObjectNode> fixed(JsonNode config) {
        JsonNode tools = config.path("tools");
        String named = config.at("/toolChoice/tool/name").asText(null);
        List<JsonNode> called = new ArrayList<>();
        for (JsonNode t : tools) {
            if (named == null ? called.size() < 2 : named.equals(t.at("/toolSpec/name").asText())) {
                called.add(t.get("toolSpec"));
            }
        }
        String[] cities = {"Paris", "Tokyo"};
        List<ObjectNode> uses = new ArrayList<>();
        for (int k = 0; k < called.size(); k++) {
            ObjectNode use = MAPPER.createObjectNode();
            use.put("toolUseId", "tooluse_" + cities[k].toLowerCase() + "_" + (k + 1));
            use.put("name", called.get(k).path("name").asText());
            ObjectNode input = use.putObject("input");
            String city = cities[k];
            called.get(k).at("/inputSchema/json/properties").fields().forEachRemaining(e -> {
                switch (e.getValue().path("type").asText()) {
                    case "integer", "number" -> input.put(e.getKey(), 1);
                    case "boolean" -> input.put(e.getKey(), true);
                    default -> input.put(e.getKey(), e.getKey().equals("city") ? city : e.getKey() + "-value");
                }
            });
            uses.add(use);
        }
        return uses;
    }
}

package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/** What the fake upstream received: method, path, query, headers (names lower-cased) and body. */
public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers, String body) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase());
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public JsonNode json() {
        try {
            return MAPPER.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("upstream body is not JSON: " + body, e);
        }
    }
}

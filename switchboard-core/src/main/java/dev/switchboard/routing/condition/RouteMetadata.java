package dev.switchboard.routing.condition;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.json.Json;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses the {@code x-ai-route-metadata} header: {@code tier=gold; region="eu, west"} pairs (separated by
 * {@code ,} or {@code ;}, values optionally quoted) or a JSON object ({@code {"tier":"gold","n":3}}). Keys are
 * case-sensitive; a later duplicate wins. Best effort: malformed input yields what could be read, never an error.
 */
public final class RouteMetadata {
    public static final String HEADER = "x-ai-route-metadata";

    private RouteMetadata() {}

    /** The pairs, in header order; empty for null or blank input. */
    public static Map<String, String> parse(String headerValue) {
        if (headerValue == null || headerValue.isBlank()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        String s = headerValue.strip();
        if (s.startsWith("{")) {
            json(s, out);
        } else {
            pairs(s, out);
        }
        return Collections.unmodifiableMap(out);
    }

    /** Scalars become their text, nested values their JSON text, nulls are dropped (absent). */
    private static void json(String s, Map<String, String> out) {
        try (JsonParser p = Json.MAPPER.createParser(s)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                    out.put(key, Json.MAPPER.writeValueAsString(Json.SUBTREE_READER.readTree(p)));
                } else if (v != JsonToken.VALUE_NULL && v != null) {
                    out.put(key, p.getText());
                }
            }
        } catch (IOException e) {
            // best effort: keep the pairs read before the damage
        }
    }

    private static void pairs(String s, Map<String, String> out) {
        int i = 0;
        int n = s.length();
        while (i < n) {
            int keyStart = i;
            while (i < n && s.charAt(i) != '=' && s.charAt(i) != ',' && s.charAt(i) != ';') {
                i++;
            }
            String key = unquote(s.substring(keyStart, i).strip());
            if (i >= n || s.charAt(i) != '=') {
                i++; // a bare word without a value: skipped
                continue;
            }
            i++;
            while (i < n && s.charAt(i) == ' ') {
                i++;
            }
            String value;
            if (i < n && (s.charAt(i) == '"' || s.charAt(i) == '\'')) {
                StringBuilder quoted = new StringBuilder();
                i = quoted(s, i, quoted);
                value = quoted.toString(); // quoted: spaces inside are kept
                while (i < n && s.charAt(i) != ',' && s.charAt(i) != ';') {
                    i++; // junk after the closing quote is dropped
                }
            } else {
                int valueStart = i;
                while (i < n && s.charAt(i) != ',' && s.charAt(i) != ';') {
                    i++;
                }
                value = s.substring(valueStart, i).strip();
            }
            i++;
            if (!key.isEmpty()) {
                out.put(key, value);
            }
        }
    }

    /** "tier"=gold: a key in matching quotes loses them. */
    private static String unquote(String key) {
        if (key.length() >= 2 && (key.charAt(0) == '"' || key.charAt(0) == '\'') && key.charAt(key.length() - 1) == key.charAt(0)) {
            return key.substring(1, key.length() - 1).strip();
        }
        return key;
    }

    /** Reads a quoted value starting at the quote; backslash escapes the next character. Returns the index past it. */
    private static int quoted(String s, int start, StringBuilder value) {
        char quote = s.charAt(start);
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                value.append(s.charAt(i + 1));
                i += 2;
            } else if (c == quote) {
                return i + 1;
            } else {
                value.append(c);
                i++;
            }
        }
        return i; // unterminated: take the rest
    }
}

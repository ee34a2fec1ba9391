package dev.switchboard.routing.condition;

import dev.switchboard.error.NearMiss;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Resolves the field names of a condition ({@code header.x-team}, {@code key.metadata.env}, ...). */
final class Fields {
    private static final Map<String, Field.Source> FIXED = Map.of(
            "key.name", Field.Source.KEY_NAME,
            "key.team", Field.Source.KEY_TEAM,
            "request.model", Field.Source.MODEL,
            "request.stream", Field.Source.STREAM,
            "request.tools", Field.Source.TOOLS,
            "request.images", Field.Source.IMAGES,
            "request.input_tokens", Field.Source.INPUT_TOKENS);
    /** Checked longest first: key.metadata. must win over key. */
    private static final List<String> PREFIXES = List.of("key.metadata.", "metadata.", "header.");
    static final List<String> ALL_NAMES = List.of("header.<name>", "metadata.<key>", "key.name", "key.team",
            "key.metadata.<key>", "request.model", "request.stream", "request.tools", "request.images",
            "request.input_tokens");

    private Fields() {}

    /** The field, or null after reporting why the name is not one. */
    static Field resolve(String name, String path, Problems problems) {
        Field.Source fixed = FIXED.get(name);
        if (fixed != null) {
            return new Field(name, fixed, null);
        }
        for (String prefix : PREFIXES) {
            if (name.startsWith(prefix)) {
                String key = name.substring(prefix.length());
                if (key.isBlank()) {
                    problems.report(path, "'" + prefix + "' needs a name after the dot");
                    return null;
                }
                return switch (prefix) {
                    case "header." -> new Field(name, Field.Source.HEADER, key.toLowerCase(Locale.ROOT));
                    case "metadata." -> new Field(name, Field.Source.ROUTE_METADATA, key);
                    default -> new Field(name, Field.Source.KEY_METADATA, key);
                };
            }
        }
        problems.report(path, "unknown field '" + name + "'" + suggestion(name)
                + "; fields: " + String.join(", ", ALL_NAMES));
        return null;
    }

    /** A near miss of a fixed name, or of a prefix (headers.x-team -> header.x-team). */
    private static String suggestion(String name) {
        String fixed = NearMiss.suggest(name, FIXED.keySet());
        if (fixed != null) {
            return " (did you mean '" + fixed + "'?)";
        }
        int dot = name.indexOf('.');
        if (dot > 0) {
            String head = name.substring(0, dot + 1);
            String prefix = NearMiss.suggest(head, List.of("header.", "metadata.", "key.metadata."));
            if (prefix != null) {
                return " (did you mean '" + prefix + name.substring(dot + 1) + "'?)";
            }
        }
        return "";
    }
}

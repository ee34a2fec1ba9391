package dev.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.NearMiss;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Typed reads from the YAML tree that report mistakes with their path instead of throwing. */
final class Reader {
    final Problems problems;
    private final EnvSubstitution env;

    Reader(Problems problems, EnvSubstitution env) {
        this.problems = problems;
        this.env = env;
    }

    boolean object(JsonNode n, String path) {
        if (n == null || !n.isObject()) {
            problems.add(path, "expected a mapping");
            return false;
        }
        return true;
    }

    void fields(JsonNode n, String path, Set<String> allowed) {
        n.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) {
                problems.add(join(path, f), "unknown key '" + f + "'" + NearMiss.hint(f, allowed));
            }
        });
    }

    String string(JsonNode n, String field, String path, boolean required) {
        JsonNode v = n.get(field);
        String p = join(path, field);
        if (v == null || v.isNull()) {
            if (required) {
                problems.add(p, "required");
            }
            return null;
        }
        if (!v.isTextual() && !v.isNumber() && !v.isBoolean()) {
            problems.add(p, "expected a string");
            return null;
        }
        return env.expand(v.asText(), p, problems);
    }

    /** Text with its {@code ${VAR}} references replaced (a missing variable is a problem at {@code path}). */
    String expand(String text, String path) {
        return env.expand(text, path, problems);
    }

    /** A scalar's text (e.g. a size written as a bare number), or null when absent. */
    String scalarText(JsonNode n, String field, String path) {
        return string(n, field, path, false);
    }

    boolean bool(JsonNode n, String field, String path, boolean fallback) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            problems.add(join(path, field), "expected true or false");
            return fallback;
        }
        return v.asBoolean();
    }

    /** A whole number within [min, max], or the fallback (reported) when it is anything else. */
    int integer(JsonNode n, String field, String path, int fallback, int min, int max) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            problems.add(join(path, field), "expected a whole number from " + min + " to " + max + ", got '" + v.asText() + "'");
            return fallback;
        }
        return v.asInt();
    }

    double number(JsonNode n, String field, String path, double fallback, double min, double max) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            problems.add(join(path, field), "expected a number from " + min + " to " + max + ", got '" + v.asText() + "'");
            return fallback;
        }
        return v.asDouble();
    }

    Duration duration(JsonNode n, String field, String path, Duration fallback) {
        String text = string(n, field, path, false);
        if (text == null) {
            return fallback;
        }
        Duration d = Units.duration(text);
        if (d == null || d.isZero()) {
            problems.add(join(path, field), "expected a duration such as 500ms, 30s, 5m, got '" + text + "'");
            return fallback;
        }
        return d;
    }

    List<String> stringList(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            problems.add(join(path, field), "expected a list of strings");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            String p = join(path, field) + "[" + i + "]";
            // a bare number is its text, as in string(): retry.on lists 429 unquoted
            if (!e.isTextual() && !e.isNumber()) {
                problems.add(p, "expected a string");
            } else {
                out.add(env.expand(e.asText(), p, problems));
            }
        }
        return List.copyOf(out);
    }

    Map<String, String> stringMap(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            problems.add(join(path, field), "expected a mapping of names to strings");
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        v.properties().forEach(e -> {
            String p = join(path, field) + "." + e.getKey();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                problems.add(p, "expected a string");
            } else {
                out.put(e.getKey(), env.expand(e.getValue().asText(), p, problems));
            }
        });
        return Map.copyOf(out);
    }

    /**
     * The value whose config word is {@code text} (case ignored), or null, reported as
     * "unknown NOUN 'text' (use a, b, …)" with the nearest word.
     */
    <E> E word(String text, String path, E[] values, java.util.function.Function<E, String> name, String noun) {
        List<String> known = new ArrayList<>();
        for (E v : values) {
            if (name.apply(v).equalsIgnoreCase(text)) {
                return v;
            }
            known.add(name.apply(v));
        }
        problems.add(path, "unknown " + noun + " '" + text + "' (use " + String.join(", ", known) + ")"
                + NearMiss.hint(text, known));
        return null;
    }

    /** A list of such words; each unknown entry is reported with its index. */
    <E extends Enum<E>> java.util.EnumSet<E> words(JsonNode n, String field, String path, Class<E> type,
                                                   java.util.function.Function<E, String> name, String noun) {
        java.util.EnumSet<E> out = java.util.EnumSet.noneOf(type);
        List<String> texts = stringList(n, field, path);
        for (int i = 0; i < texts.size(); i++) {
            E v = word(texts.get(i), join(path, field) + "[" + i + "]", type.getEnumConstants(), name, noun);
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /** A listen address as {@code host:port} (IPv6 in brackets); the defaults when absent or unreadable (reported). */
    HostPort listen(JsonNode n, String path, HostPort fallback, String example) {
        String listen = string(n, "listen", path, false);
        if (listen == null) {
            return fallback;
        }
        int colon = listen.lastIndexOf(':');
        try {
            int port = Integer.parseInt(listen.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            String host = colon <= 0 ? fallback.host() : listen.substring(0, colon).replace("[", "").replace("]", "");
            return new HostPort(host, port);
        } catch (RuntimeException e) {
            problems.add(join(path, "listen"), "expected host:port, e.g. " + example + ", got '" + listen + "'");
            return fallback;
        }
    }

    /** A listen address. */
    record HostPort(String host, int port) {}

    static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}

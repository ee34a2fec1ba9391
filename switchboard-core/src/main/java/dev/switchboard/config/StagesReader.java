package dev.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.NearMiss;
import dev.switchboard.json.Json;
import dev.switchboard.stage.StageCatalogue;
import dev.switchboard.stage.StageFactory;
import dev.switchboard.stage.StageSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the {@code stages:} lists (top level, {@code teams[]}, {@code keys[]}, {@code routes[]}): each entry is a
 * type name, or a mapping with {@code type}, an optional {@code name} and the type's own {@code settings}. Unknown
 * types get the nearest known one; each type checks its own settings.
 */
final class StagesReader {
    private static final Set<String> ENTRY = Set.of("type", "name", "settings");
    private static final Set<String> TEAM = Set.of("name", "stages");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /** A call's stages are run one after the other on its event loop: a list is short by design. */
    static final int MAX_PER_LIST = 32;

    private StagesReader() {}

    static StagesConfig read(JsonNode root, StageCatalogue catalogue, Reader r) {
        List<StageSpec> global = list(root.get("stages"), "stages", catalogue, r);
        Map<String, List<StageSpec>> byTeam = teams(root.get("teams"), catalogue, r);
        Map<String, List<StageSpec>> byKey = named(root.get("keys"), "keys", catalogue, r);
        Map<String, List<StageSpec>> byRoute = named(root.get("routes"), "routes", catalogue, r);
        return new StagesConfig(global, byTeam, byKey, byRoute);
    }

    private static Map<String, List<StageSpec>> teams(JsonNode n, StageCatalogue catalogue, Reader r) {
        Map<String, List<StageSpec>> out = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            r.problems.add("teams", "expected a list of teams");
            return out;
        }
        for (int i = 0; i < n.size(); i++) {
            String path = "teams[" + i + "]";
            JsonNode team = n.get(i);
            if (!r.object(team, path)) {
                continue;
            }
            r.fields(team, path, TEAM);
            String name = r.string(team, "name", path, true);
            List<StageSpec> stages = list(team.get("stages"), path + ".stages", catalogue, r);
            if (name != null && out.put(name, stages) != null) {
                r.problems.add(path + ".name", "duplicate team name '" + name + "'");
            }
        }
        return out;
    }

    /** The stages of each named entry of a list already checked by its own reader (keys, routes). */
    private static Map<String, List<StageSpec>> named(JsonNode n, String listPath, StageCatalogue catalogue, Reader r) {
        Map<String, List<StageSpec>> out = new LinkedHashMap<>();
        if (n == null || !n.isArray()) {
            return out;
        }
        for (int i = 0; i < n.size(); i++) {
            JsonNode entry = n.get(i);
            if (entry == null || !entry.isObject() || !entry.has("stages")) {
                continue;
            }
            String path = listPath + "[" + i + "]";
            List<StageSpec> stages = list(entry.get("stages"), path + ".stages", catalogue, r);
            JsonNode name = entry.get("name");
            if (name != null && name.isTextual() && !stages.isEmpty()) {
                out.put(name.asText(), stages);
            }
        }
        return out;
    }

    private static List<StageSpec> list(JsonNode n, String path, StageCatalogue catalogue, Reader r) {
        List<StageSpec> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            r.problems.add(path, "expected a list of stages");
            return out;
        }
        if (n.size() > MAX_PER_LIST) {
            r.problems.add(path, "at most " + MAX_PER_LIST + " stages in one list");
            return out;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < n.size(); i++) {
            StageSpec spec = entry(n.get(i), path + "[" + i + "]", catalogue, r);
            if (spec == null) {
                continue;
            }
            if (!names.add(spec.name())) {
                r.problems.add(path + "[" + i + "]", "two stages named '" + spec.name()
                        + "' in one list: give one a 'name'");
                continue;
            }
            out.add(spec);
        }
        return List.copyOf(out);
    }

    private static StageSpec entry(JsonNode e, String path, StageCatalogue catalogue, Reader r) {
        String type;
        String name = null;
        JsonNode settings = Json.MAPPER.createObjectNode();
        if (e != null && e.isTextual()) {
            type = e.asText();
        } else {
            if (!r.object(e, path)) {
                return null;
            }
            r.fields(e, path, ENTRY);
            type = r.string(e, "type", path, true);
            name = r.string(e, "name", path, false);
            if (name != null && !NAME.matcher(name).matches()) {
                r.problems.add(path + ".name", "a stage name is 1-64 letters, digits, '_', '.' or '-'");
                return null;
            }
            JsonNode s = e.get("settings");
            if (s != null && !s.isNull()) {
                if (!s.isObject()) {
                    r.problems.add(path + ".settings", "expected a mapping");
                    return null;
                }
                settings = expanded(s, path + ".settings", r);
            }
        }
        if (type == null) {
            return null;
        }
        StageFactory factory = catalogue.find(type);
        if (factory == null) {
            r.problems.add(path + ".type", "unknown stage type '" + shown(type) + "'"
                    + NearMiss.hint(type, catalogue.types())
                    + (catalogue.types().isEmpty() ? "" : "; known: " + String.join(", ", catalogue.types())));
            return null;
        }
        StageSpec spec = new StageSpec(type, name == null ? type : name, settings, path);
        for (String problem : factory.problems(spec)) {
            r.problems.add(path + ".settings", problem);
        }
        return spec;
    }

    /** The settings with {@code ${VAR}} expanded in every string (a stage's URL or secret comes from the environment). */
    private static JsonNode expanded(JsonNode n, String path, Reader r) {
        if (n.isTextual()) {
            return Json.MAPPER.getNodeFactory().textNode(r.expand(n.asText(), path));
        }
        if (n.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode o = Json.MAPPER.createObjectNode();
            n.fields().forEachRemaining(e -> o.set(e.getKey(), expanded(e.getValue(), path + "." + e.getKey(), r)));
            return o;
        }
        if (n.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode a = Json.MAPPER.createArrayNode();
            for (int i = 0; i < n.size(); i++) {
                a.add(expanded(n.get(i), path + "[" + i + "]", r));
            }
            return a;
        }
        return n;
    }

    /** A type name as it may be quoted in an error: printable and short. */
    private static String shown(String type) {
        String cut = type.length() > 64 ? type.substring(0, 64) + "…" : type;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}

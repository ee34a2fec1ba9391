package dev.switchboard.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Prices by model name. Entries are keyed by a bare upstream model name ({@code gpt-4o}) or by a
 * provider-qualified one ({@code openai/gpt-4o}), which wins for that provider. Lookups tolerate dated
 * snapshots and vendor decorations ({@code gpt-4o-2024-08-06}, {@code claude-3-5-sonnet@20240620},
 * {@code us.anthropic.claude-3-haiku-20240307-v1:0}, {@code models/gemini-2.5-pro}) through {@link ModelNames}.
 * A model nothing matches takes the fallback price {@code provider/*}, else {@code *}, when the table has one.
 */
public final class PriceTable {
    private static final int MAX_REMEMBERED = 10_000;
    private final java.util.concurrent.ConcurrentHashMap<Key, Optional<Price>> found = new java.util.concurrent.ConcurrentHashMap<>();

    /** A record of the two names rather than a joined string: their hashes are cached, a joined string's is not. */
    private record Key(String provider, String upstreamModel) {}
    private static final String BUNDLED = "/dev/switchboard/cost/prices.yaml";
    /** The key of a fallback price: {@code provider/*} for one provider's unknown models, {@code *} for any. */
    public static final String FALLBACK = "*";
    private static final PriceTable BUNDLED_TABLE = load();

    private final Map<String, Price> prices;

    private PriceTable(Map<String, Price> prices) {
        this.prices = Map.copyOf(prices);
    }

    /** The list prices shipped with Switchboard. */
    public static PriceTable bundled() {
        return BUNDLED_TABLE;
    }

    /** An empty table plus the given entries. */
    public static PriceTable of(Map<String, Price> entries) {
        return new PriceTable(normalise(entries));
    }

    /** This table with entries added or replaced (keys as in the YAML: bare or provider/model). */
    public PriceTable withOverrides(Map<String, Price> overrides) {
        Map<String, Price> merged = new HashMap<>(prices);
        merged.putAll(normalise(overrides));
        return new PriceTable(merged);
    }

    /**
     * Price for a model as sent upstream; provider may be null. Answers are remembered (the lookup tries name
     * variants with regexes and a family scan, too slow for every request); the memory is bounded because model
     * names can come from clients.
     */
    public Optional<Price> find(String provider, String upstreamModel) {
        if (upstreamModel == null || upstreamModel.isBlank()) {
            return Optional.empty();
        }
        Key key = new Key(provider, upstreamModel);
        Optional<Price> known = found.get(key);
        if (known != null) {
            return known;
        }
        Optional<Price> result = lookup(provider, upstreamModel);
        if (found.size() < MAX_REMEMBERED) {
            found.put(key, result);
        }
        return result;
    }

    private Optional<Price> lookup(String provider, String upstreamModel) {
        String prefix = provider == null || provider.isBlank() ? null : provider.toLowerCase(Locale.ROOT) + "/";
        for (String name : ModelNames.variants(upstreamModel)) {
            if (prefix != null && prices.containsKey(prefix + name)) {
                return Optional.of(prices.get(prefix + name));
            }
            if (prices.containsKey(name)) {
                return Optional.of(prices.get(name));
            }
        }
        String base = ModelNames.variants(upstreamModel).getLast();
        return longestPrefix(prefix == null ? null : prefix + base).or(() -> longestPrefix(base))
                .or(() -> Optional.ofNullable(prefix == null ? null : prices.get(prefix + FALLBACK)))
                .or(() -> Optional.ofNullable(prices.get(FALLBACK)));
    }

    /** Number of entries, for diagnostics. */
    public int size() {
        return prices.size();
    }

    private Optional<Price> longestPrefix(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String best = null;
        for (String key : prices.keySet()) {
            if (!key.endsWith(FALLBACK) && ModelNames.isFamilyPrefix(key, name) && (best == null || key.length() > best.length())) {
                best = key;
            }
        }
        return Optional.ofNullable(best).map(prices::get);
    }

    private static Map<String, Price> normalise(Map<String, Price> entries) {
        Map<String, Price> out = new HashMap<>();
        entries.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT).strip(), v));
        return out;
    }

    private static PriceTable load() {
        try (InputStream in = PriceTable.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("bundled price table missing: " + BUNDLED);
            }
            return new PriceTable(parse(new ObjectMapper(new YAMLFactory()).readTree(in)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled price table", e);
        }
    }

    /**
     * Reads the {@code models:} map of a price document shaped like the bundled YAML (fields input, output,
     * cached_input, cache_write, cache_write_1h, reasoning), e.g. a configuration section to pass to {@link #withOverrides}.
     */
    public static Map<String, Price> parse(JsonNode root) {
        Map<String, Price> out = new HashMap<>();
        JsonNode models = root.path("models");
        for (Iterator<Map.Entry<String, JsonNode>> it = models.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode p = e.getValue();
            if (!p.path("input").isNumber() || !p.path("output").isNumber()) {
                throw new IllegalArgumentException("price entry " + e.getKey() + " needs numeric input and output");
            }
            out.put(e.getKey().toLowerCase(Locale.ROOT), Price.of(p.get("input").asDouble(), p.get("output").asDouble(),
                    optional(p, "cached_input"), optional(p, "cache_write"), optional(p, "reasoning"),
                    optional(p, "cache_write_1h")));
        }
        return out;
    }

    private static Double optional(JsonNode p, String field) {
        JsonNode n = p.get(field);
        return n != null && n.isNumber() ? n.asDouble() : null;
    }
}

package dev.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.auth.CidrRange;
import dev.switchboard.cost.Price;
import dev.switchboard.cost.PriceTable;
import dev.switchboard.error.NearMiss;
import dev.switchboard.secret.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads the governance sections: store, admin, redis, jwt, network, limits, prices, and keys' own limits. */
final class GovernanceReader {
    private static final Set<String> STORE = Set.of("url", "user", "password", "pool_size", "master_key_file",
            "usage_journal", "key_refresh", "semantic_index_dir");
    private static final Set<String> ADMIN = Set.of("listen", "keys", "tls", "allow");
    private static final Set<String> TLS = Set.of("cert", "key");
    /** A whole value of {@code ${env:NAME:-}}: an optional secret. */
    private static final java.util.regex.Pattern OPTIONAL_ENV = java.util.regex.Pattern.compile(
            "\\$\\{env:[A-Za-z_][A-Za-z0-9_]*:-}");
    private static final Set<String> REDIS = Set.of("url", "prefix", "timeout", "on_failure");
    private static final Set<String> JWT = Set.of("issuer", "audience", "jwks_url", "public_key", "hmac_secret",
            "algorithms", "clock_skew", "claims");
    private static final Set<String> CLAIMS = Set.of("name", "team", "metadata", "models");
    private static final Set<String> NETWORK = Set.of("allow", "deny", "trusted_proxies");
    private static final Set<String> IP = Set.of("allow", "deny");
    private static final Set<String> LIMITS = Set.of("key_default", "models", "key_model", "queue", "default_max_tokens",
            "expected_output_tokens");
    private static final Set<String> RATE = Set.of("requests_per_minute", "tokens_per_minute", "tokens_per_day");
    private static final Set<String> BUDGET = Set.of("usd", "period");

    private GovernanceReader() {}

    /** @param clientKeys the config's client keys: an admin key may not be one of them */
    static GovernanceConfig read(JsonNode root, Reader r, KeyListReader keys, List<KeyConfig> clientKeys) {
        IpRulesConfig network = IpRulesConfig.NONE;
        List<String> trusted = List.of();
        JsonNode net = root.get("network");
        if (net != null && r.object(net, "network")) {
            r.fields(net, "network", NETWORK);
            network = new IpRulesConfig(cidrs(net, "allow", "network", r), cidrs(net, "deny", "network", r));
            trusted = cidrs(net, "trusted_proxies", "network", r);
        }
        StoreConfig store = store(root.get("store"), r);
        AdminConfig admin = admin(root.get("admin"), r, keys, clientKeys);
        if (admin != null && store == null && root.has("admin")) {
            r.problems.add("admin", "the admin API manages the store: configure 'store' too (e.g. url: sqlite:./switchboard.db)");
        }
        return new GovernanceConfig(store, admin, redis(root.get("redis"), r), jwt(root.get("jwt"), r), network, trusted,
                limits(root.get("limits"), r), prices(root.get("prices"), r));
    }

    /** Reads a list of keys the way the top-level {@code keys} section is read (for admin keys). */
    interface KeyListReader {
        List<KeyConfig> read(JsonNode n, String path, Reader r, int minLength);
    }

    private static StoreConfig store(JsonNode n, Reader r) {
        if (n == null || !r.object(n, "store")) {
            return null;
        }
        r.fields(n, "store", STORE);
        String url = r.string(n, "url", "store", true);
        if (url != null && !url.startsWith("sqlite:") && !url.startsWith("jdbc:postgresql://")) {
            r.problems.add("store.url", "expected sqlite:/path/file.db or jdbc:postgresql://host/db, got '" + url + "'");
        }
        String password = r.string(n, "password", "store", false);
        String journal = r.string(n, "usage_journal", "store", false);
        if (journal == null && url != null && url.startsWith("sqlite:")) {
            journal = url.substring("sqlite:".length()) + ".usage-journal";
        }
        // beside the SQLite file, like the journal; with PostgreSQL (many instances, often no lasting disk) in memory
        String semantic = r.string(n, "semantic_index_dir", "store", false);
        if (semantic == null && url != null && url.startsWith("sqlite:")) {
            semantic = url.substring("sqlite:".length()) + ".semantic-cache";
        } else if (semantic != null && (semantic.isBlank() || semantic.equals("memory"))) {
            semantic = null;
        }
        return new StoreConfig(url, r.string(n, "user", "store", false), password == null ? null : new Secret(password),
                r.integer(n, "pool_size", "store", 4, 1, 256), r.string(n, "master_key_file", "store", false),
                journal == null ? "switchboard-usage.journal" : journal,
                r.duration(n, "key_refresh", "store", Duration.ofSeconds(1)), semantic);
    }

    private static AdminConfig admin(JsonNode n, Reader r, KeyListReader keys, List<KeyConfig> clientKeys) {
        if (n == null || !r.object(n, "admin")) {
            return null;
        }
        r.fields(n, "admin", ADMIN);
        Reader.HostPort listen = r.listen(n, "admin", new Reader.HostPort("127.0.0.1", 8081), "127.0.0.1:8081");
        JsonNode listed = n.get("keys");
        // key: ${env:NAME:-} with NAME unset leaves the admin API off instead of failing the load (the example)
        com.fasterxml.jackson.databind.node.ArrayNode set = JsonNodeFactory.instance.arrayNode();
        int unset = 0;
        if (listed != null && listed.isArray()) {
            for (JsonNode k : listed) {
                JsonNode key = k.get("key");
                if (key != null && key.isTextual() && OPTIONAL_ENV.matcher(key.asText().strip()).matches()
                        && r.string(k, "key", "admin.keys", false).isEmpty()) {
                    unset++;
                } else {
                    set.add(k);
                }
            }
        }
        List<KeyConfig> adminKeys = keys.read(listed != null && listed.isArray() ? set : listed, "admin.keys", r,
                AdminConfig.MIN_KEY_LENGTH);
        if (adminKeys.isEmpty() && unset == 0) {
            r.problems.add("admin.keys", "at least one admin key is required (key: ${env:SWITCHBOARD_ADMIN_KEY})");
        }
        java.util.Set<String> clientDigests = new java.util.HashSet<>();
        clientKeys.forEach(k -> clientDigests.add(k.sha256()));
        for (KeyConfig k : adminKeys) {
            if (k.sha256() != null && clientDigests.contains(k.sha256())) {
                r.problems.add("admin.keys", "admin key '" + k.name() + "' is also a client key; use a separate key");
            }
        }
        String cert = null;
        String tlsKey = null;
        JsonNode tls = n.get("tls");
        if (tls != null && r.object(tls, "admin.tls")) {
            r.fields(tls, "admin.tls", TLS);
            cert = readable(r.string(tls, "cert", "admin.tls", true), "admin.tls.cert", r);
            tlsKey = readable(r.string(tls, "key", "admin.tls", true), "admin.tls.key", r);
        }
        return new AdminConfig(listen.host(), listen.port(), adminKeys, cert, tlsKey, cidrs(n, "allow", "admin", r));
    }

    private static String readable(String file, String path, Reader r) {
        if (file != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(file))) {
            r.problems.add(path, "cannot read '" + file + "' (a PEM file)");
        }
        return file;
    }

    private static RedisConfig redis(JsonNode n, Reader r) {
        if (n == null || !r.object(n, "redis")) {
            return null;
        }
        r.fields(n, "redis", REDIS);
        String url = r.string(n, "url", "redis", true);
        if (url != null && !url.startsWith("redis://") && !url.startsWith("rediss://")) {
            r.problems.add("redis.url", "expected redis://host:port, got '" + url + "'");
        }
        String onFailure = r.string(n, "on_failure", "redis", false);
        boolean failOpen = true;
        if (onFailure != null) {
            if (onFailure.equals("fail_closed")) {
                failOpen = false;
            } else if (!onFailure.equals("fail_open")) {
                r.problems.add("redis.on_failure", "expected fail_open or fail_closed, got '" + onFailure + "'"
                        + NearMiss.hint(onFailure, List.of("fail_open", "fail_closed")));
            }
        }
        String prefix = r.string(n, "prefix", "redis", false);
        return new RedisConfig(url, prefix == null ? "sb:" : prefix, r.duration(n, "timeout", "redis", Duration.ofMillis(75)),
                failOpen);
    }

    private static JwtConfig jwt(JsonNode n, Reader r) {
        if (n == null || !r.object(n, "jwt")) {
            return null;
        }
        r.fields(n, "jwt", JWT);
        String issuer = r.string(n, "issuer", "jwt", true);
        List<String> audiences = n.path("audience").isArray() ? r.stringList(n, "audience", "jwt")
                : n.has("audience") ? List.of(r.string(n, "audience", "jwt", true)) : List.of();
        if (audiences.isEmpty()) {
            r.problems.add("jwt.audience", "required: the audience tokens must be issued for");
        }
        String jwks = r.string(n, "jwks_url", "jwt", false);
        String pem = r.string(n, "public_key", "jwt", false);
        String hmac = r.string(n, "hmac_secret", "jwt", false);
        int sources = (jwks == null ? 0 : 1) + (pem == null ? 0 : 1) + (hmac == null ? 0 : 1);
        if (sources != 1) {
            r.problems.add("jwt", "give exactly one of jwks_url, public_key, hmac_secret");
        }
        String name = "sub";
        String team = "team";
        List<String> metadata = List.of();
        String models = null;
        JsonNode claims = n.get("claims");
        if (claims != null && r.object(claims, "jwt.claims")) {
            r.fields(claims, "jwt.claims", CLAIMS);
            name = orElse(r.string(claims, "name", "jwt.claims", false), name);
            team = orElse(r.string(claims, "team", "jwt.claims", false), team);
            metadata = r.stringList(claims, "metadata", "jwt.claims");
            models = r.string(claims, "models", "jwt.claims", false);
        }
        return new JwtConfig(issuer, audiences, jwks, pem, hmac == null ? null : new Secret(hmac),
                r.stringList(n, "algorithms", "jwt"), r.duration(n, "clock_skew", "jwt", Duration.ofSeconds(60)),
                name, team, metadata, models);
    }

    private static LimitsConfig limits(JsonNode n, Reader r) {
        LimitsConfig d = LimitsConfig.NONE;
        if (n == null || !r.object(n, "limits")) {
            return d;
        }
        r.fields(n, "limits", LIMITS);
        Map<String, RateLimitConfig> perModel = new LinkedHashMap<>();
        JsonNode models = n.get("models");
        if (models != null && r.object(models, "limits.models")) {
            models.properties().forEach(e -> perModel.put(e.getKey(), rate(e.getValue(), "limits.models." + e.getKey(), r)));
        }
        Duration queue = n.has("queue") && "0".equals(n.get("queue").asText()) ? Duration.ZERO
                : r.duration(n, "queue", "limits", Duration.ZERO);
        return new LimitsConfig(rate(n.get("key_default"), "limits.key_default", r), Map.copyOf(perModel),
                rate(n.get("key_model"), "limits.key_model", r), queue,
                r.integer(n, "default_max_tokens", "limits", (int) d.defaultMaxTokens(), 1, 10_000_000),
                r.integer(n, "expected_output_tokens", "limits", (int) d.expectedOutputTokens(), 1, 10_000_000));
    }

    static RateLimitConfig rate(JsonNode n, String path, Reader r) {
        if (n == null || !r.object(n, path)) {
            return RateLimitConfig.NONE;
        }
        r.fields(n, path, RATE);
        return new RateLimitConfig(count(n, "requests_per_minute", path, r), count(n, "tokens_per_minute", path, r),
                count(n, "tokens_per_day", path, r));
    }

    static BudgetConfig budget(JsonNode n, String path, Reader r) {
        if (n == null || !r.object(n, path)) {
            return null;
        }
        r.fields(n, path, BUDGET);
        double usd = r.number(n, "usd", path, -1, 0, 1e9);
        if (!n.has("usd")) {
            r.problems.add(path + ".usd", "required: the budget in USD");
        }
        String period = r.string(n, "period", path, false);
        BudgetConfig.Period p = BudgetConfig.Period.MONTH;
        if (period != null) {
            try {
                p = BudgetConfig.Period.valueOf(period.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                r.problems.add(path + ".period", "expected day, month or total, got '" + period + "'"
                        + NearMiss.hint(period, List.of("day", "month", "total")));
            }
        }
        return new BudgetConfig(Math.max(0, usd), p);
    }

    static IpRulesConfig ip(JsonNode n, String path, Reader r) {
        if (n == null || !r.object(n, path)) {
            return IpRulesConfig.NONE;
        }
        r.fields(n, path, IP);
        return new IpRulesConfig(cidrs(n, "allow", path, r), cidrs(n, "deny", path, r));
    }

    private static List<String> cidrs(JsonNode n, String field, String path, Reader r) {
        List<String> values = r.stringList(n, field, path);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            try {
                CidrRange.parse(values.get(i));
                out.add(values.get(i));
            } catch (IllegalArgumentException e) {
                r.problems.add(path + "." + field + "[" + i + "]", e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    private static Long count(JsonNode n, String field, String path, Reader r) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || v.asLong() < 1) {
            r.problems.add(path + "." + field, "expected a whole number >= 1, got '" + v.asText() + "'");
            return null;
        }
        return v.asLong();
    }

    private static Map<String, Price> prices(JsonNode n, Reader r) {
        if (n == null || !r.object(n, "prices")) {
            return Map.of();
        }
        try {
            return Map.copyOf(PriceTable.parse(JsonNodeFactory.instance.objectNode().set("models", n)));
        } catch (IllegalArgumentException e) {
            r.problems.add("prices", e.getMessage() + " (USD per million tokens, e.g. { input: 2.5, output: 10 })");
            return Map.of();
        }
    }

    private static String orElse(String value, String fallback) {
        return value == null ? fallback : value;
    }
}

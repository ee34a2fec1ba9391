package dev.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.catalogue.ProviderType;
import dev.switchboard.error.NearMiss;
import dev.switchboard.provider.Timeouts;
import dev.switchboard.provider.UnsupportedParams;
import dev.switchboard.provider.UpstreamLimits;
import dev.switchboard.routing.BreakerSettings;
import dev.switchboard.routing.ModelAlias;
import dev.switchboard.routing.RetryPolicy;
import dev.switchboard.secret.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the YAML config strictly: unknown keys, wrong types, unknown provider types, dangling aliases
 * and missing secrets are all reported at once, each with its path and the nearest valid word.
 * Pure apart from reading the file; safe to call from any thread.
 */
public final class ConfigLoader {
    private static final Set<String> TOP = Set.of("version", "server", "timeouts", "providers", "models", "keys", "routes",
            "retry", "breaker", "store", "admin", "redis", "jwt", "network", "limits", "prices",
            "telemetry", "stages", "teams");
    private static final Set<String> SERVER = FrontDoorReader.plus(Set.of("listen", "max_body", "event_loops", "access_log", "drain_timeout",
            "fast_lane", "http2_cleartext"));
    private static final Set<String> TIMEOUTS = Set.of("connect", "first_byte", "idle", "total");
    private static final Set<String> PROVIDER = Set.of("name", "type", "base_url", "api_key", "headers", "api_version", "models", "timeouts",
            "unsupported_params", "health_check", "max_connections", "max_response_body");
    private static final Set<String> MODEL = Set.of("name", "target");
    private static final Set<String> KEY = Set.of("name", "key", "key_sha256", "models", "team", "metadata", "limits",
            "budget", "ip", "stages");

    private final ProviderCatalogue catalogue;
    private final dev.switchboard.stage.StageCatalogue stageCatalogue;
    private final Function<String, String> env;

    private volatile List<String> warnings = List.of();

    public ConfigLoader(ProviderCatalogue catalogue, Function<String, String> env) {
        this(catalogue, env, dev.switchboard.stage.StageCatalogue.installed());
    }

    /** @param stages the stage types {@code stages:} lists may name */
    public ConfigLoader(ProviderCatalogue catalogue, Function<String, String> env, dev.switchboard.stage.StageCatalogue stages) {
        this.catalogue = catalogue;
        this.env = env;
        this.stageCatalogue = stages;
    }

    /** Warnings of the last successful {@link #parse} (e.g. a secret that used its {@code :-default}); to log at startup. */
    public List<String> warnings() {
        return warnings;
    }

    public static ConfigLoader withSystemEnv() {
        return new ConfigLoader(ProviderCatalogue.bundled(), System::getenv);
    }

    public GatewayConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot read (" + e.getClass().getSimpleName() + ")"));
        }
        return parse(text);
    }

    public GatewayConfig parse(String yaml) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (IOException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw new ConfigException(List.of("not valid YAML: " + msg));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException(List.of("the config is empty"));
        }
        EnvSubstitution substitution = new EnvSubstitution(env);
        Reader r = new Reader(new Problems(), substitution);
        GatewayConfig config = read(root, r);
        warnings = substitution.defaultedSecrets();
        if (!r.problems.isEmpty()) {
            throw new ConfigException(r.problems.list());
        }
        return config;
    }

    private GatewayConfig read(JsonNode root, Reader r) {
        if (!r.object(root, "")) {
            return null;
        }
        r.fields(root, "", TOP);
        JsonNode version = root.get("version");
        if (version != null && !(version.isInt() && version.asInt() == 1)) {
            r.problems.add("version", "only version 1 is supported");
        }
        ServerConfig server = server(root.get("server"), r);
        Timeouts timeouts = timeouts(root.get("timeouts"), "timeouts", Timeouts.DEFAULTS, r);
        List<ProviderConfig> providers = providers(root.get("providers"), timeouts, r);
        Map<String, ProviderConfig> byName = new LinkedHashMap<>();
        providers.forEach(p -> byName.put(p.name(), p));
        List<ModelAlias> models = models(root.get("models"), byName, r);
        List<KeyConfig> keys = keys(root.get("keys"), "keys", r, 8);
        RetryPolicy retry = ResilienceReader.retry(root.get("retry"), "retry", RetryPolicy.NONE, r);
        BreakerSettings breaker = ResilienceReader.breaker(root.get("breaker"), r);
        Set<String> aliases = new HashSet<>();
        models.forEach(m -> aliases.add(m.name()));
        List<RouteConfig> routes = RoutesReader.read(root.get("routes"), byName, aliases, retry, r);
        GovernanceConfig governance = GovernanceReader.read(root, r, this::keys, keys);
        TelemetryConfig telemetry = TelemetryReader.read(root.get("telemetry"), r);
        StagesConfig stages = StagesReader.read(root, stageCatalogue, r);
        return new GatewayConfig(server, timeouts, List.copyOf(providers), List.copyOf(models), List.copyOf(keys),
                List.copyOf(routes), retry, breaker, governance, telemetry, stages);
    }

    private ServerConfig server(JsonNode n, Reader r) {
        ServerConfig d = ServerConfig.DEFAULTS;
        if (n == null || !r.object(n, "server")) {
            return d;
        }
        r.fields(n, "server", SERVER);
        Reader.HostPort listen = r.listen(n, "server", new Reader.HostPort(d.host(), d.port()), "0.0.0.0:8080");
        String host = listen.host();
        int port = listen.port();
        long maxBody = d.maxBodyBytes();
        String size = r.scalarText(n, "max_body", "server");
        if (size != null) {
            maxBody = Units.size(size);
            if (maxBody <= 0) {
                r.problems.add("server.max_body", "expected a size such as 32MiB, got '" + size + "'");
            }
        }
        int loops = d.eventLoops();
        JsonNode l = n.get("event_loops");
        if (l != null) {
            if (!l.canConvertToInt() || l.asInt() < 0 || !l.isIntegralNumber()) {
                r.problems.add("server.event_loops", "expected a whole number >= 0 (0 = one per core)");
            } else {
                loops = l.asInt();
            }
        }
        boolean accessLog = r.bool(n, "access_log", "server", d.accessLog());
        boolean fastLane = r.bool(n, "fast_lane", "server", d.fastLane());
        boolean h2c = r.bool(n, "http2_cleartext", "server", d.http2Cleartext());
        return new ServerConfig(host, port, maxBody, loops, accessLog, r.duration(n, "drain_timeout", "server", d.drainTimeout()),
                fastLane, FrontDoorReader.read(n, r), h2c);
    }

    private Timeouts timeouts(JsonNode n, String path, Timeouts d, Reader r) {
        if (n == null || !r.object(n, path)) {
            return d;
        }
        r.fields(n, path, TIMEOUTS);
        return new Timeouts(
                r.duration(n, "connect", path, d.connect()),
                r.duration(n, "first_byte", path, d.firstByte()),
                r.duration(n, "idle", path, d.idle()),
                r.duration(n, "total", path, d.total()));
    }

    private List<ProviderConfig> providers(JsonNode n, Timeouts defaults, Reader r) {
        List<ProviderConfig> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!n.isArray()) {
            r.problems.add("providers", "expected a list of providers");
            return out;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < n.size(); i++) {
            String path = "providers[" + i + "]";
            JsonNode p = n.get(i);
            if (!r.object(p, path)) {
                continue;
            }
            r.fields(p, path, PROVIDER);
            String name = r.string(p, "name", path, true);
            if (name != null) {
                if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                    r.problems.add(path + ".name", "use letters, digits, '.', '_' and '-' (no '/'): '" + name + "'");
                } else if (!names.add(name)) {
                    r.problems.add(path + ".name", "duplicate provider name '" + name + "'");
                }
            }
            String typeName = r.string(p, "type", path, true);
            ProviderType type = null;
            if (typeName != null) {
                type = catalogue.find(typeName).orElse(null);
                if (type == null) {
                    r.problems.add(path + ".type", "unknown provider type '" + typeName + "'"
                            + NearMiss.hint(typeName, catalogue.names()));
                }
            }
            String baseUrl = r.string(p, "base_url", path, false);
            if (baseUrl != null && !baseUrl.matches("https?://[^\\s/]+(/\\S*)?")) {
                r.problems.add(path + ".base_url", "expected an http:// or https:// URL, got '" + baseUrl + "'");
            }
            String key = r.string(p, "api_key", path, false);
            if (type != null) {
                if (baseUrl == null && type.baseUrl() == null && !type.builtin()) {
                    r.problems.add(path + ".base_url", "required for type '" + type.name() + "'");
                }
                if (key == null && type.keyRequired()) {
                    r.problems.add(path + ".api_key", "required for type '" + type.name() + "' (use ${env:NAME})");
                }
            }
            Map<String, String> headers = r.stringMap(p, "headers", path);
            String apiVersion = r.string(p, "api_version", path, false);
            List<String> models = r.stringList(p, "models", path);
            Timeouts t = timeouts(p.get("timeouts"), path + ".timeouts", defaults, r);
            UnsupportedParams unsupported = unsupportedParams(r.string(p, "unsupported_params", path, false),
                    path + ".unsupported_params", r);
            HealthCheckConfig health = ResilienceReader.healthCheck(p.get("health_check"), path + ".health_check", r);
            out.add(new ProviderConfig(name, typeName, trimSlash(baseUrl),
                    key == null || key.isEmpty() ? null : new Secret(key), headers, apiVersion, models, t, unsupported, health,
                    upstreamLimits(p, path, r)));
        }
        return out;
    }

    /** {@code max_connections} (0 = no cap) and {@code max_response_body} of one provider. */
    private static UpstreamLimits upstreamLimits(JsonNode p, String path, Reader r) {
        int connections = r.integer(p, "max_connections", path, 0, 0, 1_000_000);
        int maxResponse = UpstreamLimits.DEFAULT_MAX_RESPONSE_BYTES;
        String size = r.scalarText(p, "max_response_body", path);
        if (size != null) {
            long bytes = Units.size(size);
            if (bytes <= 0 || bytes > Integer.MAX_VALUE - 8) {
                r.problems.add(path + ".max_response_body", "expected a size from 1B to 2GiB such as 64MiB, got '" + size + "'");
            } else {
                maxResponse = (int) bytes;
            }
        }
        return new UpstreamLimits(connections, maxResponse);
    }

    private static UnsupportedParams unsupportedParams(String value, String path, Reader r) {
        if (value == null) {
            return UnsupportedParams.REJECT;
        }
        List<String> words = new ArrayList<>();
        for (UnsupportedParams u : UnsupportedParams.values()) {
            if (u.configName().equals(value)) {
                return u;
            }
            words.add(u.configName());
        }
        r.problems.add(path, "expected 'reject' or 'drop', got '" + value + "'" + NearMiss.hint(value, words));
        return UnsupportedParams.REJECT;
    }

    private List<ModelAlias> models(JsonNode n, Map<String, ProviderConfig> providers, Reader r) {
        List<ModelAlias> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!n.isArray()) {
            r.problems.add("models", "expected a list of {name, target}");
            return out;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < n.size(); i++) {
            String path = "models[" + i + "]";
            JsonNode m = n.get(i);
            if (!r.object(m, path)) {
                continue;
            }
            r.fields(m, path, MODEL);
            String name = r.string(m, "name", path, true);
            String target = r.string(m, "target", path, true);
            if (name != null && !names.add(name)) {
                r.problems.add(path + ".name", "duplicate model name '" + name + "'");
            }
            if (name != null && name.indexOf('/') > 0 && providers.containsKey(name.substring(0, name.indexOf('/')))) {
                r.problems.add(path + ".name", "'" + name + "' would hide the provider/model name of provider '"
                        + name.substring(0, name.indexOf('/')) + "'");
            }
            if (target != null) {
                int slash = target.indexOf('/');
                if (slash <= 0 || slash == target.length() - 1) {
                    r.problems.add(path + ".target", "expected provider/model, got '" + target + "'");
                } else if (!providers.containsKey(target.substring(0, slash))) {
                    String prov = target.substring(0, slash);
                    r.problems.add(path + ".target", "unknown provider '" + prov + "'" + NearMiss.hint(prov, providers.keySet()));
                }
            }
            out.add(new ModelAlias(name, target));
        }
        return out;
    }

    private List<KeyConfig> keys(JsonNode n, String listPath, Reader r, int minLength) {
        List<KeyConfig> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!n.isArray()) {
            r.problems.add(listPath, "expected a list of keys");
            return out;
        }
        Set<String> names = new HashSet<>();
        Set<String> digests = new HashSet<>();
        for (int i = 0; i < n.size(); i++) {
            String path = listPath + "[" + i + "]";
            JsonNode k = n.get(i);
            if (!r.object(k, path)) {
                continue;
            }
            r.fields(k, path, KEY);
            String name = r.string(k, "name", path, true);
            if (name != null && !names.add(name)) {
                r.problems.add(path + ".name", "duplicate key name '" + name + "'");
            }
            String plain = r.string(k, "key", path, false);
            String hashed = r.string(k, "key_sha256", path, false);
            String digest = null;
            if (plain != null && hashed != null) {
                r.problems.add(path, "give either key or key_sha256, not both");
            } else if (plain != null) {
                if (plain.length() < minLength) {
                    r.problems.add(path + ".key", "too short: " + (minLength > 8 ? "admin" : "client")
                            + " keys need at least " + minLength + " characters");
                }
                digest = KeyDigest.sha256Hex(plain);
            } else if (hashed != null) {
                if (!hashed.matches("[0-9a-fA-F]{64}")) {
                    r.problems.add(path + ".key_sha256", "expected 64 hex digits (sha256 of the key)");
                }
                digest = hashed.toLowerCase();
            } else {
                r.problems.add(path, "missing key (or key_sha256)");
            }
            if (digest != null && !digests.add(digest)) {
                r.problems.add(path, "the same key is configured twice");
            }
            out.add(new KeyConfig(name, digest, r.stringList(k, "models", path), r.string(k, "team", path, false),
                    r.stringMap(k, "metadata", path), GovernanceReader.rate(k.get("limits"), path + ".limits", r),
                    GovernanceReader.budget(k.get("budget"), path + ".budget", r), GovernanceReader.ip(k.get("ip"), path + ".ip", r)));
        }
        return out;
    }

    private static String trimSlash(String url) {
        return url != null && url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}

package dev.switchboard.testing;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.server.Gateway;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Starts a real gateway (the same {@link Gateway#start} that {@code serve} uses) on a free port, with a config
 * written in YAML. {@code ${UPSTREAM}} in the YAML is replaced by the fake upstream's base URL.
 * The client key {@link #KEY} is configured unless the YAML has its own {@code keys:} section.
 */
public final class GatewayFixture implements AutoCloseable {
    public static final String KEY = "sk-test-client-key-123";
    public static final String UPSTREAM_KEY = "sk-upstream-secret-456";

    private final Gateway gateway;
    private final RecordingUsageSink usage = new RecordingUsageSink();
    private final Path configFile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayFixture(String yaml, Map<String, String> env, boolean watchFile) {
        try {
            configFile = Files.createTempFile("switchboard-test", ".yaml");
            Files.writeString(configFile, yaml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        GatewayConfig config = transport(new ConfigLoader(dev.switchboard.catalogue.ProviderCatalogue.bundled(), env::get).parse(yaml));
        Gateway.Options options = Gateway.Options.defaults().withUsageSink(usage).withReloadInterval(Duration.ofMillis(200));
        gateway = Gateway.start(config, watchFile ? options.withConfigFile(configFile) : options);
    }

    /** {@code -Dswitchboard.test.fastLane=false} runs a suite on Vert.x's HTTP server and client instead of the fast lane. */
    private static GatewayConfig transport(GatewayConfig c) {
        if (!"false".equals(System.getProperty("switchboard.test.fastLane"))) {
            return c;
        }
        dev.switchboard.config.ServerConfig s = c.server();
        return new GatewayConfig(new dev.switchboard.config.ServerConfig(s.host(), s.port(), s.maxBodyBytes(), s.eventLoops(),
                s.accessLog(), s.drainTimeout(), false, s.frontDoor(), s.http2Cleartext()), c.timeouts(), c.providers(), c.models(), c.keys(), c.routes(),
                c.retry(), c.breaker(), c.governance(), c.telemetry(), c.stages());
    }

    /** A gateway with one OpenAI-type provider named {@code fake} pointing at the upstream, and the test key. */
    public static GatewayFixture openAi(FakeUpstream upstream) {
        return withYaml(defaultYaml(upstream, ""));
    }

    /** The default config plus extra YAML appended to the provider entry (e.g. timeouts). */
    public static String defaultYaml(FakeUpstream upstream, String providerExtra) {
        return """
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - name: fake
                    type: openai
                    base_url: ${UPSTREAM}
                    api_key: %s
                    models: [gpt-4o, text-embedding-3-small]
                %s
                models:
                  - { name: smart, target: fake/gpt-4o }
                keys:
                  - { name: tester, key: %s }
                """.formatted(UPSTREAM_KEY, providerExtra, KEY).replace("${UPSTREAM}", upstream.baseUrl());
    }

    /** YAML lines of {@code n} model aliases {@code alias-0000}, {@code alias-0001}, … all to {@code target}. */
    public static String aliases(int n, String target) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append("  - { name: alias-%04d, target: %s }\n".formatted(i, target));
        }
        return out.toString();
    }

    public static GatewayFixture withYaml(String yaml) {
        return new GatewayFixture(yaml, Map.of(), false);
    }

    public static GatewayFixture withYaml(String yaml, Map<String, String> env) {
        return new GatewayFixture(yaml, env, false);
    }

    /** A gateway that watches its config file, reloading on change (polled every 200 ms). */
    public static GatewayFixture watching(String yaml) {
        return new GatewayFixture(yaml, Map.of(), true);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + gateway.port();
    }

    public int port() {
        return gateway.port();
    }

    public Path configFile() {
        return configFile;
    }

    public RecordingUsageSink usage() {
        return usage;
    }

    public Gateway gateway() {
        return gateway;
    }

    /** The official OpenAI SDK pointed at the gateway with the test client key. */
    public OpenAIClient openAiClient() {
        return openAiClient(KEY);
    }

    public OpenAIClient openAiClient(String key) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(baseUrl() + "/v1")
                .apiKey(key)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    /** A raw POST with the test key; returns status, headers and body as text. */
    public HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** The value of an unlabelled gauge or counter in the gateway's Prometheus scrape; NaN when it has none. */
    public double gauge(String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(?m)^" + java.util.regex.Pattern.quote(name) + " ([0-9.eE+-]+|NaN)$")
                .matcher(gateway().metrics().scrape());
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Authorization", "Bearer " + KEY).GET().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpClient httpClient() {
        return http;
    }

    @Override
    public void close() {
        gateway.close();
        try {
            Files.deleteIfExists(configFile);
        } catch (IOException ignored) {
            // a temp file; nothing else to do
        }
    }
}

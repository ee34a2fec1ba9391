package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.LogCapture;
import dev.switchboard.testing.RawHttp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Route conditions and the key's model policy: tiers on key metadata cannot be claimed with a header, the policy
 * is checked before routing (same 403 for a forbidden name whether it exists or not), a rule a client can pick with
 * a header alone is warned about at load, and a regex condition on a 63 KB header answers at once.
 */
class RouteEntitlementIT {
    static final String YAML = """
            version: 1
            server: { listen: 127.0.0.1:0, event_loops: 1 }
            providers:
              - { name: fake, type: openai, base_url: "%s", api_key: %s }
            routes:
              - name: assistant
                rules:
                  - when: { key.metadata.tier: gold }
                    targets: [fake/premium]
                  - when: { header.user-agent: { regex: '.*Mozilla.*Chrome.*' } }
                    targets: [fake/browser]
                  - targets: [fake/basic]
              - name: open
                rules:
                  - when: { metadata.tier: gold }
                    targets: [fake/premium]
                  - targets: [fake/basic]
            keys:
              - { name: basic, key: sk-basic-key-0001, models: [assistant] }
              - { name: gold, key: sk-gold-key-00001, models: [assistant], metadata: { tier: gold } }
              - { name: any, key: %s }
            """;

    static FakeUpstream upstream;
    static GatewayFixture gateway;
    static String loadLog;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        try (LogCapture log = LogCapture.start()) {
            gateway = GatewayFixture.withYaml(YAML.formatted(upstream.baseUrl(), GatewayFixture.UPSTREAM_KEY, GatewayFixture.KEY));
            loadLog = log.text();
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void clear() {
        upstream.reset();
    }

    static HttpResponse<String> call(String key, String model, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return gateway.send(b.build());
    }

    static String upstreamModel() {
        return upstream.lastRequest().json().path("model").asText();
    }

    @Test
    void aTierHeaderDoesNotGrantTheKeyTierRule() {
        assertThat(call("sk-basic-key-0001", "assistant", "x-ai-route-metadata", "tier=gold").statusCode()).isEqualTo(200);
        assertThat(upstreamModel()).isEqualTo("basic");
        assertThat(call("sk-gold-key-00001", "assistant").statusCode()).isEqualTo(200);
        assertThat(upstreamModel()).isEqualTo("premium");
    }

    @Test
    void aForbiddenNameIsTheSame403WhetherItExistsOrNot() {
        for (String model : List.of("fake/premium", "nope/x", "no-such-alias", "dynamic/open", "open", "dynamic/nope")) {
            assertError(call("sk-basic-key-0001", model), 403, "permission_error", "model_not_allowed");
        }
        assertThat(upstream.requests()).isEmpty();
        // a key without a model list still learns that a name does not exist: it could use it if it did
        assertError(call(GatewayFixture.KEY, "nope/x"), 404, "invalid_request_error", "model_not_found");
    }

    @Test
    void rulesAClientCanPickWithAHeaderAloneAreWarnedAboutAtLoad() {
        assertThat(loadLog).contains("WARN").contains("routes[1].rules[0] of route 'open'")
                .contains("routes[0].rules[1] of route 'assistant'"); // user-agent: a header too
        assertThat(loadLog).as("a key metadata rule").doesNotContain("routes[0].rules[0]");
    }

    @Test
    void aRegexOnA63KbHeaderAnswersAtOnce() {
        String huge = "Mozilla ".repeat(7800); // 62 400 characters, no "Chrome": the backtracking worst case
        String body = "{\"model\":\"assistant\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        for (String header : List.of("X-Pad", "X-Pad", "User-Agent", "User-Agent")) { // the first two warm up
            try (RawHttp http = RawHttp.connect(gateway.port())) {
                long start = System.nanoTime();
                http.write(RawHttp.postHead("/v1/chat/completions", header + ": " + huge,
                        "Content-Length: " + body.length()) + "\r\n" + body);
                RawHttp.Response r = http.readResponse(Duration.ofSeconds(10));
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                if (header.equals("User-Agent")) {
                    assertThat(millis).as("milliseconds").isLessThan(500);
                }
            }
        }
        assertThat(upstreamModel()).isEqualTo("basic");
        assertThat(call(GatewayFixture.KEY, "assistant", "user-agent", "Mozilla/5.0 (X11) Chrome/131.0").statusCode()).isEqualTo(200);
        assertThat(upstreamModel()).isEqualTo("browser");
    }
}

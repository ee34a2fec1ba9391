package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Route rules end to end: each condition operator picks its branch, a weighted split lands within statistical
 * tolerance, a sticky split keeps each user on one arm. Three providers share one fake upstream; the
 * {@code x-switchboard-provider} header tells which branch served.
 */
class RouteRulesIT {
    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: a, type: openai, base_url: %1$s, api_key: k }
                  - { name: b, type: openai, base_url: %1$s, api_key: k }
                  - { name: c, type: openai, base_url: %1$s, api_key: k }
                keys:
                  - { name: tester, key: %2$s }
                routes:
                  - name: rules
                    rules:
                      - when: { header.x-team: research }
                        targets: [a/eq]
                      - when: { header.x-team: { "!=": research }, header.x-env: { "==": prod } }
                        targets: [a/neq]
                      - when: { metadata.tier: { in: [gold, platinum] } }
                        targets: [b/in]
                      - when: { metadata.region: { "not in": [eu, us] }, header.x-region-check: "yes" }
                        targets: [b/notin]
                      - when: { header.x-user: { regex: "^vip-[0-9]+$" } }
                        targets: [c/regex]
                      - when: { request.input_tokens: { ">": 500 } }
                        targets: [c/big]
                      - when: { all: [ { request.stream: true }, { metadata.n: { "<": 3 } } ] }
                        targets: [c/small-stream]
                      - when: { any: [ { request.tools: true }, { not: { key.name: tester } } ] }
                        targets: [a/tools]
                      - targets: [a/default]
                  - name: split
                    rules:
                      - strategy: weighted
                        targets:
                          - { target: a/m, weight: 80 }
                          - { target: b/m, weight: 20 }
                  - name: sticky
                    rules:
                      - strategy: weighted
                        sticky: header:x-user-id
                        targets:
                          - { target: a/m, weight: 50 }
                          - { target: b/m, weight: 50 }
                """.formatted(upstream.baseUrl(), GatewayFixture.KEY));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static String served(String model, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + GatewayFixture.KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null
                        ? "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" : body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = gateway.send(b.build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("x-switchboard-provider").orElseThrow() + "/"
                + r.headers().firstValue("x-switchboard-model").orElseThrow();
    }

    @Test
    void equalityAndInequality() {
        assertThat(served("rules", null, "x-team", "research")).isEqualTo("a/eq");
        assertThat(served("rules", null, "x-team", "sales", "x-env", "prod")).isEqualTo("a/neq");
        assertThat(served("rules", null, "x-env", "prod")).isEqualTo("a/neq"); // a missing header is != research
        assertThat(served("rules", null, "x-team", "sales", "x-env", "dev")).isEqualTo("a/default");
    }

    @Test
    void inAndNotInReadTheRouteMetadataHeader() {
        assertThat(served("rules", null, "x-ai-route-metadata", "tier=gold")).isEqualTo("b/in");
        assertThat(served("rules", null, "x-ai-route-metadata", "{\"tier\":\"platinum\"}")).isEqualTo("b/in");
        assertThat(served("rules", null, "x-ai-route-metadata", "tier=silver")).isEqualTo("a/default");
        assertThat(served("rules", null, "x-ai-route-metadata", "region=apac", "x-region-check", "yes")).isEqualTo("b/notin");
        assertThat(served("rules", null, "x-ai-route-metadata", "region=eu", "x-region-check", "yes")).isEqualTo("a/default");
    }

    @Test
    void regexMatchesTheWholeValue() {
        assertThat(served("rules", null, "x-user", "vip-42")).isEqualTo("c/regex");
        assertThat(served("rules", null, "x-user", "vip-42x")).isEqualTo("a/default");
    }

    @Test
    void numericComparisonOnEstimatedInputTokens() {
        String longPrompt = "word ".repeat(3000);
        assertThat(served("rules", "{\"model\":\"rules\",\"messages\":[{\"role\":\"user\",\"content\":\"" + longPrompt + "\"}]}"))
                .isEqualTo("c/big");
    }

    @Test
    void nestedAllAnyAndNot() {
        String stream = "{\"model\":\"rules\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(served("rules", stream, "x-ai-route-metadata", "n=2")).isEqualTo("c/small-stream");
        assertThat(served("rules", stream, "x-ai-route-metadata", "n=5")).isEqualTo("a/default");
        String tools = "{\"model\":\"rules\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}]}";
        assertThat(served("rules", tools)).isEqualTo("a/tools");
    }

    @Test
    void theDynamicPrefixNamesTheSameRoute() {
        assertThat(served("dynamic/rules", "{\"model\":\"dynamic/rules\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "x-team", "research")).isEqualTo("a/eq");
    }

    @Test
    void aWeightedSplitLandsWithinTolerance() {
        int n = 400;
        int a = 0;
        for (int i = 0; i < n; i++) {
            if (served("split", null).startsWith("a/")) {
                a++;
            }
        }
        // 80 % of 400 = 320; the standard deviation is 8, so +-40 is five sigma
        assertThat(a).isBetween(280, 360);
    }

    @Test
    void aStickySplitKeepsEachUserOnOneArm() {
        Map<String, String> firstArm = new HashMap<>();
        int onA = 0;
        for (int user = 0; user < 60; user++) {
            String id = "user-" + user;
            String arm = served("sticky", null, "x-user-id", id);
            firstArm.put(id, arm);
            onA += arm.startsWith("a/") ? 1 : 0;
        }
        for (int round = 0; round < 3; round++) {
            for (Map.Entry<String, String> e : firstArm.entrySet()) {
                assertThat(served("sticky", null, "x-user-id", e.getKey())).isEqualTo(e.getValue());
            }
        }
        assertThat(onA).isBetween(15, 45); // both arms get users
    }
}

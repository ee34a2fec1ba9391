package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.cli.SwitchboardCli;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Active health checks: a provider failing its checks is reported unhealthy, its breakers open and routes stop
 * sending it traffic; the {@code check} command prints the table from a running gateway or from a config.
 */
class HealthCheckIT {
    static final ObjectMapper JSON = new ObjectMapper();

    FakeUpstream sick;
    FakeUpstream well;
    GatewayFixture gateway;
    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        sick = FakeUpstream.start();
        well = FakeUpstream.start();
        for (int i = 0; i < 500; i++) {
            sick.enqueue(FakeUpstream.error(503, "maintenance"));
        }
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - name: sick
                    type: openai
                    base_url: %s
                    api_key: sk-upstream-secret-456
                    health_check: { interval: 100ms, timeout: 1s, unhealthy_after: 2 }
                  - name: well
                    type: openai
                    base_url: %s
                    api_key: sk-upstream-secret-456
                    health_check: { interval: 100ms, timeout: 1s }
                keys:
                  - { name: tester, key: %s }
                routes:
                  - name: chat
                    rules:
                      - targets: [sick/gpt-4o, well/gpt-4o]
                """.formatted(sick.baseUrl(), well.baseUrl(), GatewayFixture.KEY));
    }

    @AfterEach
    void stop() {
        gateway.close();
        sick.close();
        well.close();
    }

    private JsonNode report() throws Exception {
        HttpResponse<String> r = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/health/providers")).GET().build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("sk-upstream-secret-456");
        return JSON.readTree(r.body());
    }

    private JsonNode awaitSickUnhealthy() throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            JsonNode p = report().get("providers").get(0);
            if (p.get("healthy").isBoolean() && !p.get("healthy").asBoolean() && p.get("breaker").asText().equals("open")) {
                return report();
            }
            assertThat(System.currentTimeMillis()).as("sick provider reported unhealthy in time").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void failingChecksOpenTheProvidersBreakersAndRoutesAvoidIt() throws Exception {
        JsonNode report = awaitSickUnhealthy();
        JsonNode sickRow = report.get("providers").get(0);
        assertThat(sickRow.get("name").asText()).isEqualTo("sick");
        assertThat(sickRow.get("last_error").asText()).contains("503");
        assertThat(sickRow.get("targets").get(0).get("target").asText()).isEqualTo("sick/gpt-4o");
        JsonNode wellRow = report.get("providers").get(1);
        assertThat(wellRow.get("healthy").asBoolean()).isTrue();
        assertThat(wellRow.get("latency_ms").asLong()).isGreaterThanOrEqualTo(0);

        HttpResponse<String> r = gateway.post("/v1/chat/completions",
                "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-provider")).hasValue("well");
        assertThat(sick.requests()).allSatisfy(req -> assertThat(req.method() + " " + req.path()).isEqualTo("GET /v1/models"));
        assertThat(sick.requests().get(0).header("authorization")).isEqualTo("Bearer sk-upstream-secret-456");
    }

    @Test
    void checkPrintsTheLiveTableOfARunningGateway() throws Exception {
        awaitSickUnhealthy();
        Captured c = run("check", "--gateway", gateway.baseUrl());
        assertThat(c.code).isEqualTo(1); // one provider is unhealthy
        assertThat(c.out.lines().findFirst().orElseThrow()).contains("NAME").contains("TYPE").contains("HEALTHY")
                .contains("LATENCY").contains("BREAKER").contains("LAST ERROR");
        String sickLine = c.out.lines().filter(l -> l.startsWith("sick")).findFirst().orElseThrow();
        assertThat(sickLine).contains("openai").contains(" no ").contains("open").contains("503");
        String wellLine = c.out.lines().filter(l -> l.startsWith("well")).findFirst().orElseThrow();
        assertThat(wellLine).contains(" yes ").contains("closed").containsPattern("\\d+ms");
        assertThat(c.out + c.err).doesNotContain("sk-upstream-secret-456");
    }

    @Test
    void checkProbesEachProviderOfAConfigOnce() throws Exception {
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, """
                version: 1
                providers:
                  - { name: play, type: demo }
                  - { name: gone, type: openai, base_url: "http://127.0.0.1:1/v1", api_key: sk-secret-gone-123 }
                  - { name: up, type: openai, base_url: %s, api_key: sk-secret-up-123 }
                """.formatted(well.baseUrl()));
        Captured c = run("check", "-c", config.toString());
        assertThat(c.code).isEqualTo(1);
        assertThat(c.out).containsPattern("play\\s+demo\\s+yes\\s+\\d+ms");
        assertThat(c.out).containsPattern("up\\s+openai\\s+yes\\s+\\d+ms");
        assertThat(c.out).containsPattern("gone\\s+openai\\s+no\\s+-\\s+-\\s+unreachable");
        assertThat(c.out).doesNotContain("sk-secret");
    }

    record Captured(int code, String out, String err) {}

    private static synchronized Captured run(String... args) {
        PrintStream origOut = System.out;
        PrintStream origErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = SwitchboardCli.run(args);
            return new Captured(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(origOut);
            System.setErr(origErr);
        }
    }
}

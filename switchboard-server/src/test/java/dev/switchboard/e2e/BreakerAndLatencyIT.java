package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Circuit breakers (open, skip, half-open probe, close) and the lowest-latency strategy, through real HTTP. */
class BreakerAndLatencyIT {
    static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    FakeUpstream primary;
    FakeUpstream backup;
    GatewayFixture gateway;

    @BeforeEach
    void start() {
        primary = FakeUpstream.start();
        backup = FakeUpstream.start();
    }

    @AfterEach
    void stop() {
        gateway.close();
        primary.close();
        backup.close();
    }

    private void gateway(String routes) {
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                providers:
                  - { name: primary, type: openai, base_url: %s, api_key: k }
                  - { name: backup, type: openai, base_url: %s, api_key: k }
                keys:
                  - { name: tester, key: %s }
                breaker: { consecutive_failures: 2, cooldown: 1s }
                %s
                """.formatted(primary.baseUrl(), backup.baseUrl(), GatewayFixture.KEY, routes));
    }

    private String servedBy(String model) {
        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT.formatted(model));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("x-switchboard-provider").orElseThrow();
    }

    @Test
    void aBreakerOpensSkipsItsTargetAndClosesAfterASuccessfulProbe() throws Exception {
        gateway("""
                routes:
                  - name: chat
                    rules:
                      - targets: [primary/gpt-4o, backup/gpt-4o]
                """);
        primary.enqueue(FakeUpstream.error(500, "down"));
        primary.enqueue(FakeUpstream.error(500, "still down"));
        assertThat(servedBy("chat")).isEqualTo("backup");
        assertThat(servedBy("chat")).isEqualTo("backup");
        assertThat(primary.requests()).hasSize(2);
        assertThat(gateway.gateway().metrics().scrape())
                .contains("switchboard_breaker_state{gen_ai_provider_name=\"primary\",target=\"primary/gpt-4o\"} 1.0");

        // open: the primary is skipped without being asked
        for (int i = 0; i < 3; i++) {
            assertThat(servedBy("chat")).isEqualTo("backup");
        }
        assertThat(primary.requests()).hasSize(2);

        Thread.sleep(1200); // the cooldown passes: the next request probes the primary, which has recovered
        assertThat(servedBy("chat")).isEqualTo("primary");
        assertThat(servedBy("chat")).isEqualTo("primary");
        assertThat(gateway.gateway().metrics().scrape())
                .contains("switchboard_breaker_state{gen_ai_provider_name=\"primary\",target=\"primary/gpt-4o\"} 0.0");
    }

    @Test
    void aFailedProbeReopensTheBreaker() throws Exception {
        gateway("""
                routes:
                  - name: chat
                    rules:
                      - targets: [primary/gpt-4o, backup/gpt-4o]
                """);
        primary.enqueue(FakeUpstream.error(500, "down"));
        primary.enqueue(FakeUpstream.error(500, "down"));
        servedBy("chat");
        servedBy("chat");
        Thread.sleep(1200);
        primary.enqueue(FakeUpstream.error(500, "the probe fails"));
        assertThat(servedBy("chat")).isEqualTo("backup");
        assertThat(primary.requests()).hasSize(3);
        assertThat(servedBy("chat")).isEqualTo("backup"); // open again: not asked
        assertThat(primary.requests()).hasSize(3);
    }

    @Test
    void theLowestLatencyStrategyMovesTrafficToTheFasterTarget() {
        gateway("""
                routes:
                  - name: fast
                    rules:
                      - strategy: lowest_latency
                        targets: [primary/gpt-4o, backup/gpt-4o]
                """);
        for (int i = 0; i < 60; i++) {
            primary.enqueue(primary.delayed(Duration.ofMillis(120)));
        }
        for (int i = 0; i < 5; i++) {
            servedBy("fast"); // both get measured
        }
        int onBackup = 0;
        for (int i = 0; i < 40; i++) {
            onBackup += servedBy("fast").equals("backup") ? 1 : 0;
        }
        assertThat(onBackup).isGreaterThanOrEqualTo(33); // a few go to the slow one to keep its statistics fresh
    }

    @Test
    void aSingleTargetIsStillAskedWhenItsBreakerIsOpen() {
        gateway("");
        for (int i = 0; i < 3; i++) {
            primary.enqueue(FakeUpstream.error(500, "down"));
            assertThat(gateway.post("/v1/chat/completions", CHAT.formatted("primary/gpt-4o")).statusCode()).isEqualTo(500);
        }
        // nowhere else to go: failing fast would turn a partial outage into a total one
        assertThat(servedBy("primary/gpt-4o")).isEqualTo("primary");
        assertThat(primary.requests()).hasSize(4);
    }
}

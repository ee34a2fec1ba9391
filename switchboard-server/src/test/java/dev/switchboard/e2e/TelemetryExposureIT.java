package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RawHttp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Telemetry against a client that picks thousands of model names: the scrape and the health report stay small and
 * name only configured models; the endpoints can be put behind a token or on their own listener.
 */
class TelemetryExposureIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "tm-token-5f0c1d2e3a4b";
    static FakeUpstream upstream;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    static HttpResponse<String> get(GatewayFixture gw, int port, String path, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return gw.send(b.build());
    }

    static String chat(String model) {
        return RawHttp.post("/v1/chat/completions",
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    @Test
    void thousandsOfClientChosenModelNamesDoNotGrowTheScrapeOrTheHealthReport() throws Exception {
        upstream.enqueue(FakeUpstream.error(500, "secret-upstream-detail-xyz"));
        try (GatewayFixture gw = GatewayFixture.openAi(upstream)) {
            String baseline = get(gw, gw.port(), "/metrics", null).body();
            // the first call fails upstream with a detail text the health report must not repeat
            assertThat(gw.post("/v1/chat/completions",
                    "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isGreaterThanOrEqualTo(500);
            assertThat(gw.post("/v1/chat/completions",
                    "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
            int total = 5_000;
            int connections = 4;
            int batch = 125;
            AtomicInteger ok = new AtomicInteger();
            List<Thread> senders = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                int first = c * (total / connections);
                senders.add(Thread.ofPlatform().start(() -> {
                    try (RawHttp conn = RawHttp.connect(gw.port())) { // keep-alive, pipelined batches
                        for (int b = 0; b < total / connections / batch; b++) {
                            StringBuilder pipelined = new StringBuilder();
                            for (int i = 0; i < batch; i++) {
                                pipelined.append(chat("fake/attacker-%04d".formatted(first + b * batch + i)));
                            }
                            conn.write(pipelined.toString());
                            for (int i = 0; i < batch; i++) {
                                if (conn.readResponse(Duration.ofSeconds(10)).status() == 200) {
                                    ok.incrementAndGet();
                                }
                            }
                        }
                    }
                }));
            }
            for (Thread t : senders) {
                t.join(30_000);
            }
            assertThat(ok.get()).isEqualTo(total);
            HttpResponse<String> metrics = get(gw, gw.port(), "/metrics", null);
            assertThat(metrics.statusCode()).isEqualTo(200);
            String scrape = metrics.body();
            assertThat(scrape).doesNotContain("attacker");
            assertThat(scrape.length()).as("scrape size").isLessThan(Math.max(200_000, baseline.length() * 3));
            assertThat(OperationsIT.sample(scrape, "gen_ai_server_request_duration_seconds_count",
                    "gen_ai_request_model", "other", "http_response_status_code", "200")).isEqualTo(total);
            assertThat(OperationsIT.sample(scrape, "gen_ai_server_request_duration_seconds_count",
                    "gen_ai_request_model", "smart", "http_response_status_code", "200")).isEqualTo(1);

            HttpResponse<String> health = get(gw, gw.port(), "/health/providers", null);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).doesNotContain("attacker").doesNotContain("secret-upstream-detail-xyz");
            assertThat(health.body().length()).as("health report size").isLessThan(8_000);
            JsonNode targets = JSON.readTree(health.body()).get("providers").get(0).get("targets");
            List<String> names = new ArrayList<>();
            targets.forEach(t -> names.add(t.get("target").asText()));
            assertThat(names).contains("fake/gpt-4o");
        }
    }

    @Test
    void aTokenProtectsTheScrapeAndTheHealthReport() throws Exception {
        try (GatewayFixture gw = GatewayFixture.withYaml(GatewayFixture.defaultYaml(upstream, "")
                + "telemetry: { token: " + TOKEN + " }\n")) {
            for (String path : List.of("/metrics", "/health/providers")) {
                assertThat(get(gw, gw.port(), path, null).statusCode()).as(path + " without a token").isEqualTo(401);
                assertThat(get(gw, gw.port(), path, "Bearer wrong").statusCode()).as(path + " wrong token").isEqualTo(401);
                assertThat(get(gw, gw.port(), path, "Bearer " + GatewayFixture.KEY).statusCode())
                        .as(path + " with a client key").isEqualTo(401);
                HttpResponse<String> ok = get(gw, gw.port(), path, "Bearer " + TOKEN);
                assertThat(ok.statusCode()).as(path + " with the token").isEqualTo(200);
            }
            assertThat(get(gw, gw.port(), "/metrics", "Bearer " + TOKEN).body()).contains("switchboard_");
            assertThat(get(gw, gw.port(), "/healthz", null).statusCode()).isEqualTo(200);
            assertThat(cli("check", "--gateway", gw.baseUrl())).as("check without the token").isEqualTo(2);
            assertThat(cli("check", "--gateway", gw.baseUrl(), "--token", TOKEN)).as("check with the token").isZero();
        }
    }

    private static synchronized int cli(String... args) {
        java.io.PrintStream out = System.out;
        java.io.PrintStream err = System.err;
        try {
            System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            return dev.switchboard.cli.SwitchboardCli.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void aSeparateListenerServesTelemetryAndTheMainListenerDoesNot() throws Exception {
        try (GatewayFixture gw = GatewayFixture.withYaml(GatewayFixture.defaultYaml(upstream, "")
                + "telemetry: { listen: 127.0.0.1:0 }\n")) {
            int telemetryPort = gw.gateway().telemetryPort();
            assertThat(telemetryPort).isPositive().isNotEqualTo(gw.port());
            for (String path : List.of("/metrics", "/health/providers")) {
                assertThat(get(gw, gw.port(), path, null).statusCode()).as(path + " on the main listener").isEqualTo(404);
                assertThat(get(gw, telemetryPort, path, null).statusCode()).as(path + " on the telemetry listener").isEqualTo(200);
            }
            assertThat(get(gw, telemetryPort, "/v1/models", "Bearer " + GatewayFixture.KEY).statusCode())
                    .as("model traffic is not served on the telemetry listener").isEqualTo(404);
        }
    }

    @Test
    void theSeparateListenerCanAlsoRequireTheToken() throws Exception {
        try (GatewayFixture gw = GatewayFixture.withYaml(GatewayFixture.defaultYaml(upstream, "")
                + "telemetry: { listen: 127.0.0.1:0, token: " + TOKEN + " }\n")) {
            int telemetryPort = gw.gateway().telemetryPort();
            assertThat(get(gw, telemetryPort, "/metrics", null).statusCode()).isEqualTo(401);
            assertThat(get(gw, telemetryPort, "/metrics", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
            assertThat(get(gw, gw.port(), "/metrics", "Bearer " + TOKEN).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aSlowScrapeDoesNotHoldUpModelCalls() throws Exception {
        try (GatewayFixture gw = GatewayFixture.openAi(upstream)) { // one event loop
            // a registry big enough that one scrape takes a while (as the unbounded one did)
            var registry = gw.gateway().metrics().registry();
            for (int i = 0; i < 20_000; i++) {
                io.micrometer.core.instrument.Counter.builder("test.padding").tag("n", Integer.toString(i)).register(registry);
            }
            String chat = "{\"model\":\"fake/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            assertThat(gw.post("/v1/chat/completions", chat).statusCode()).isEqualTo(200);
            long[] window = new long[2];
            Thread scraper = Thread.ofPlatform().start(() -> {
                window[0] = System.nanoTime();
                assertThat(get(gw, gw.port(), "/metrics", null).statusCode()).isEqualTo(200);
                window[1] = System.nanoTime();
            });
            Thread.sleep(20);
            List<long[]> calls = new ArrayList<>();
            while (scraper.isAlive()) {
                long t0 = System.nanoTime();
                assertThat(gw.post("/v1/chat/completions", chat).statusCode()).isEqualTo(200);
                calls.add(new long[] {t0, System.nanoTime()});
            }
            scraper.join();
            long during = calls.stream().filter(c -> c[0] >= window[0] && c[1] <= window[1]).count();
            // the precondition depends on this machine's speed: where even 20,000 series scrape fast, nothing is shown
            org.junit.jupiter.api.Assumptions.assumeTrue(Duration.ofNanos(window[1] - window[0]).toMillis() > 120,
                    "the padded scrape was too fast to show anything on this machine");
            assertThat(during).as("model calls answered while a %d ms scrape was built",
                    (window[1] - window[0]) / 1_000_000).isGreaterThanOrEqualTo(2);
        }
    }
}

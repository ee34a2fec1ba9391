package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RawHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java's HttpClient asks to upgrade every new plain-HTTP connection to HTTP/2 ("Upgrade: h2c"); when the server agreed
 * and a large answer followed the 101 at once, the client misread it about one time in ten ("protocol error: Frame
 * type(110) length(2256759) exceeds MAX_FRAME_SIZE"). By default the gateway now ignores the upgrade (RFC 9113
 * deprecates it) and answers in HTTP/1.1; {@code server.http2_cleartext: true} serves h2c for those who want it.
 */
class H2cUpgradeIT {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final int ALIASES = 3000;
    static final String ADMIN_KEY = "sk-admin-h2c-upgrade-0123456789abcdef"; // a models list of about 250 KB: far more than HTTP/2's first window
    static FakeUpstream upstream;
    static GatewayFixture plain;
    static GatewayFixture h2c;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        String aliases = GatewayFixture.aliases(ALIASES, "fake/gpt-4o");
        String yaml = GatewayFixture.defaultYaml(upstream, "").replace("models:\n  - { name: smart", "models:\n" + aliases + "  - { name: smart");
        plain = GatewayFixture.withYaml(yaml);
        h2c = GatewayFixture.withYaml(yaml.replace("server: { listen: 127.0.0.1:0, event_loops: 1 }",
                "server: { listen: 127.0.0.1:0, event_loops: 1, http2_cleartext: true }"));
    }

    @AfterAll
    static void stop() {
        plain.close();
        h2c.close();
        upstream.close();
    }

    private static HttpResponse<String> models(HttpClient client, GatewayFixture gateway) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/models"))
                .header("Authorization", "Bearer " + GatewayFixture.KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void javasDefaultClientGetsEveryLargeFirstAnswerWholeOverHttp11() throws Exception {
        for (int i = 0; i < 40; i++) { // each a new client: a new connection, a new upgrade request
            try (HttpClient client = HttpClient.newHttpClient()) {
                HttpResponse<String> r = models(client, plain);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.version()).as("the upgrade is ignored").isEqualTo(HttpClient.Version.HTTP_1_1);
                assertThat(MAPPER.readTree(r.body()).path("data").size()).isGreaterThan(ALIASES);
            }
        }
    }

    @Test
    void anUpgradeRequestIsAnsweredInHttp11WithoutA101() throws Exception {
        try (RawHttp raw = RawHttp.connect(plain.port())) {
            raw.write("GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + GatewayFixture.KEY
                    + "\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n");
            RawHttp.Response res = raw.readResponse(Duration.ofSeconds(10));
            assertThat(res.status()).isEqualTo(200);
            assertThat(res.header("upgrade")).isNull();
        }
    }

    @Test
    void theAdminAndTelemetryListenersNeverUpgradeEither(@TempDir Path dir) throws Exception {
        try (GatewayFixture gw = GatewayFixture.withYaml(GatewayFixture.defaultYaml(upstream, "").replace(
                "server: { listen: 127.0.0.1:0, event_loops: 1 }",
                "server: { listen: 127.0.0.1:0, event_loops: 1, http2_cleartext: true }")
                + "telemetry: { listen: 127.0.0.1:0 }\n"
                + "store: { url: \"sqlite:" + dir.resolve("store.db") + "\" }\n"
                + "admin: { listen: \"127.0.0.1:0\", keys: [ { name: ops, key: " + ADMIN_KEY + " } ] }\n")) {
            for (int port : new int[] {gw.gateway().telemetryPort(), gw.gateway().adminPort()}) {
                try (RawHttp raw = RawHttp.connect(port)) {
                    raw.write("GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ADMIN_KEY
                            + "\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n");
                    RawHttp.Response res = raw.readResponse(Duration.ofSeconds(10));
                    assertThat(res.status()).as("port " + port).isNotEqualTo(101);
                    assertThat(res.header("upgrade")).isNull();
                }
            }
        }
    }

    @Test
    void aPriorKnowledgeClientIsTurnedAwayPromptlyWhenH2cIsOff() throws Exception {
        try (RawHttp raw = RawHttp.connect(plain.port())) {
            raw.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // an HTTP/1.1 error or a closed connection, never a hang
            assertThat(raw.closedByPeer(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void withH2cOnClientsThatAskGetHttp2() throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(h2c.baseUrl() + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + GatewayFixture.KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        }
    }
}

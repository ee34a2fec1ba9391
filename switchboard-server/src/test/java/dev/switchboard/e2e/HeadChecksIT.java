package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertErrorJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RawHttp;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What is decided on the request head alone, for every path and on both lanes: the global network rules (M5: before
 * any key lookup, so a refused peer cannot tell a valid key from a wrong one, and probes and telemetry are closed to
 * it too), and the Host header HTTP/1.1 requires (RFC 9112: 400 without it).
 */
class HeadChecksIT {
    static final String CHAT = "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}";
    static final Duration WAIT = Duration.ofSeconds(5);

    static FakeUpstream upstream;
    static GatewayFixture open;
    static GatewayFixture denyLocal;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        open = GatewayFixture.openAi(upstream);
        denyLocal = GatewayFixture.withYaml(GatewayFixture.defaultYaml(upstream, "") + "network: { deny: [127.0.0.1/32] }\n");
    }

    @AfterAll
    static void stop() {
        denyLocal.close();
        open.close();
        upstream.close();
    }

    static String get(String path, String key) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (key == null ? "" : "Authorization: Bearer " + key + "\r\n") + "\r\n";
    }

    @Test
    void aDeniedPeerGets403OnEveryPathWhateverItsKey() {
        for (String path : new String[] {"/healthz", "/readyz", "/metrics", "/health/providers", "/v1/models"}) {
            for (String key : new String[] {null, GatewayFixture.KEY, "sk-wrong"}) {
                try (RawHttp raw = RawHttp.connect(denyLocal.port())) {
                    raw.write(get(path, key));
                    RawHttp.Response r = raw.readResponse(WAIT);
                    assertThat(r.status()).as("%s with key %s", path, key).isEqualTo(403);
                    assertErrorJson(r.body(), "permission_error", "ip_not_allowed");
                }
            }
        }
    }

    @Test
    void aDeniedPeersModelCallsGet403BeforeTheirKeyIsLookedAt() {
        for (String key : new String[] {GatewayFixture.KEY, "sk-wrong"}) {
            for (String path : new String[] {"/v1/chat/completions", "/v1/embeddings", "/v1/messages"}) {
                try (RawHttp raw = RawHttp.connect(denyLocal.port())) {
                    raw.write("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                            + "\r\nContent-Length: " + CHAT.length() + "\r\n\r\n" + CHAT);
                    RawHttp.Response r = raw.readResponse(WAIT);
                    assertThat(r.status()).as("%s with key %s", path, key).isEqualTo(403);
                    if (path.equals("/v1/messages")) {
                        assertThat(r.body()).contains("\"type\":\"error\"").contains("permission_error");
                    } else {
                        assertErrorJson(r.body(), "permission_error", "ip_not_allowed");
                    }
                    assertThat(raw.closedByPeer(WAIT)).isTrue();
                }
            }
        }
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void aDeniedPeersHugeUploadIsRefusedOnItsHead() {
        try (RawHttp raw = RawHttp.connect(denyLocal.port())) {
            raw.write(RawHttp.postHead("/v1/chat/completions", "Content-Length: 1073741824") + "\r\n");
            assertThat(raw.readResponse(WAIT).status()).isEqualTo(403);
            assertThat(raw.closedByPeer(WAIT)).isTrue();
        }
    }

    @Test
    void anHttp11RequestWithoutHostIsABadRequestOnBothLanes() {
        try (RawHttp raw = RawHttp.connect(open.port())) {
            raw.write("GET /healthz HTTP/1.1\r\n\r\n");
            RawHttp.Response r = raw.readResponse(WAIT);
            assertThat(r.status()).isEqualTo(400);
        }
        for (boolean later : new boolean[] {false, true}) {
            try (RawHttp raw = RawHttp.connect(open.port())) {
                if (later) {
                    raw.write(get("/healthz", null));
                    assertThat(raw.readResponse(WAIT).status()).isEqualTo(200);
                }
                raw.write("POST /v1/chat/completions HTTP/1.1\r\nAuthorization: Bearer " + GatewayFixture.KEY
                        + "\r\nContent-Length: " + CHAT.length() + "\r\n\r\n" + CHAT);
                RawHttp.Response r = raw.readResponse(WAIT);
                assertThat(r.status()).as("later: %s", later).isEqualTo(400);
                assertErrorJson(r.body(), "invalid_request_error", "invalid_request");
            }
        }
        assertThat(upstream.requests()).isEmpty();
    }

    /** Fuzz finding: a chunked body whose framing is broken was closed without an answer on Vert.x's paths. */
    @Test
    void aBrokenChunkedBodyGetsA400OnEveryPath() {
        String[] paths = {"/v1/chat/completions", "/v1/messages", "/v1/messages/count_tokens", "/v1/access-requests",
                "/v1/embeddings"};
        for (String path : paths) {
            for (String chunks : new String[] {"zz\r\n" + CHAT + "\r\n0\r\n\r\n",
                    Integer.toHexString(CHAT.length()) + ";" + "e".repeat(20_000) + "\r\n" + CHAT + "\r\n0\r\n\r\n"}) {
                try (RawHttp raw = RawHttp.connect(open.port())) {
                    raw.write("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + GatewayFixture.KEY
                            + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks);
                    RawHttp.Response r = raw.readResponse(WAIT);
                    assertThat(r.status()).as("%s %s", path, chunks.substring(0, 4)).isEqualTo(400);
                    if (path.startsWith("/v1/messages")) {
                        assertThat(r.body()).contains("\"type\":\"error\"").contains("invalid_request_error");
                    } else {
                        assertErrorJson(r.body(), "invalid_request_error", "invalid_request");
                    }
                    assertThat(raw.closedByPeer(WAIT)).isTrue();
                }
            }
        }
        assertThat(upstream.requests()).isEmpty();
    }
}

package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RawHttp;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One HTTP/1.1 connection carrying requests of both lanes: model calls (the gateway's own Netty lane) and everything
 * else (Vert.x's server). Answers must come back in request order, whoever answers, also when a client pipelines.
 */
class FastLaneIT {
    static final String CHAT = "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}";
    static final Duration WAIT = Duration.ofSeconds(10);

    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.openAi(upstream);
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

    @Test
    void sequentialRequestsOfBothLanesShareOneConnection() {
        try (RawHttp raw = RawHttp.connect(gateway.port())) {
            for (int i = 0; i < 3; i++) {
                raw.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertThat(raw.readResponse(WAIT).body()).contains("\"ok\"");
                raw.write(RawHttp.post("/v1/chat/completions", CHAT));
                RawHttp.Response chat = raw.readResponse(WAIT);
                assertThat(chat.status()).isEqualTo(200);
                assertThat(chat.body()).contains("chat.completion");
                assertThat(chat.header("x-request-id")).isNotBlank();
                assertThat(chat.header("content-length")).isEqualTo(Integer.toString(chat.body().length()));
                raw.write("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + GatewayFixture.KEY
                        + "\r\n\r\n");
                assertThat(raw.readResponse(WAIT).body()).contains("\"object\":\"list\"");
            }
        }
        assertThat(upstream.requests()).hasSize(3);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderWhileAModelCallIsSlow() {
        upstream.enqueue(upstream.delayed(Duration.ofMillis(400)));
        try (RawHttp raw = RawHttp.connect(gateway.port())) {
            // all three at once: the slow model call, a probe Vert.x answers at once, and a second model call
            raw.write(RawHttp.post("/v1/chat/completions", CHAT)
                    + "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + RawHttp.post("/v1/chat/completions", CHAT.replace("ping", "second")));
            RawHttp.Response first = raw.readResponse(WAIT);
            RawHttp.Response second = raw.readResponse(WAIT);
            RawHttp.Response third = raw.readResponse(WAIT);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).contains("chat.completion");
            assertThat(second.body()).isEqualTo("{\"status\":\"ok\"}");
            assertThat(third.status()).isEqualTo(200);
            assertThat(third.body()).contains("chat.completion");
            assertThat(first.header("x-request-id")).isNotEqualTo(third.header("x-request-id"));
        }
        assertThat(upstream.requests()).hasSize(2);
        assertThat(upstream.requests().get(1).body()).contains("second");
    }

    @Test
    void pipelinedModelCallWaitsForTheAnswerVertxIsGiving() {
        try (RawHttp raw = RawHttp.connect(gateway.port())) {
            raw.write("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + GatewayFixture.KEY + "\r\n\r\n"
                    + RawHttp.post("/v1/chat/completions", CHAT));
            assertThat(raw.readResponse(WAIT).body()).contains("\"object\":\"list\"");
            RawHttp.Response chat = raw.readResponse(WAIT);
            assertThat(chat.status()).isEqualTo(200);
            assertThat(chat.body()).contains("chat.completion");
        }
    }

    @Test
    void requestAskingToCloseIsAnsweredThenTheConnectionCloses() {
        try (RawHttp raw = RawHttp.connect(gateway.port())) {
            byte[] body = CHAT.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            raw.write(RawHttp.postHead("/v1/chat/completions", "Content-Length: " + body.length, "Connection: close") + "\r\n" + CHAT);
            RawHttp.Response chat = raw.readResponse(WAIT);
            assertThat(chat.status()).isEqualTo(200);
            assertThat(chat.body()).contains("chat.completion");
            assertThat(raw.closedByPeer(Duration.ofSeconds(3))).isTrue();
        }
    }

    @Test
    void errorsOfTheLaneAreAnsweredAndTheConnectionStaysUsable() {
        try (RawHttp raw = RawHttp.connect(gateway.port())) {
            raw.write(RawHttp.post("/v1/chat/completions", "{\"model\": \"smart\", \"messages\": [}"));
            RawHttp.Response bad = raw.readResponse(WAIT);
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).contains("\"error\"");
            raw.write(RawHttp.post("/v1/chat/completions", CHAT.replace("smart", "no-such-model")));
            assertThat(raw.readResponse(WAIT).status()).isEqualTo(404);
            raw.write("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + CHAT.length() + "\r\n\r\n" + CHAT);
            assertThat(raw.readResponse(WAIT).status()).isEqualTo(401);
            raw.write(RawHttp.post("/v1/chat/completions", CHAT));
            assertThat(raw.readResponse(WAIT).status()).isEqualTo(200);
        }
        assertThat(upstream.requests()).hasSize(1);
    }

    @Test
    void chunkedRequestBodyIsGatheredByTheLane() {
        try (RawHttp raw = RawHttp.connect(gateway.port())) {
            String half = CHAT.substring(0, 20);
            String rest = CHAT.substring(20);
            raw.write(RawHttp.postHead("/v1/chat/completions", "Transfer-Encoding: chunked") + "\r\n"
                    + Integer.toHexString(half.length()) + "\r\n" + half + "\r\n");
            raw.write(Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\n\r\n");
            RawHttp.Response chat = raw.readResponse(WAIT);
            assertThat(chat.status()).isEqualTo(200);
            assertThat(chat.body()).contains("chat.completion");
        }
        assertThat(upstream.lastRequest().body()).contains("\"ping\"");
    }
}

package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RawHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Slow and greedy clients (M6) against short limits: a head that never completes or trickles in, a body that stalls,
 * an idle keep-alive connection, and more connections from one peer than allowed, are all closed; an answer that takes
 * long (a slow upstream, a long stream) is not cut.
 */
class SlowClientsIT {
    static final String CHAT = "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}";
    static final Duration WAIT = Duration.ofSeconds(5);

    static FakeUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayFixture.withYaml(GatewayFixture.defaultYaml(upstream, "").replace("event_loops: 1 }",
                "event_loops: 1, head_timeout: 1s, body_timeout: 1s, keep_alive_timeout: 2s, max_connections_per_peer: 12 }"));
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
    void halfAHeadIsClosed() {
        try (RawHttp raw = RawHttp.connect(gateway.port())) {
            raw.write("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            assertThat(raw.closedByPeer(Duration.ofSeconds(4))).isTrue();
        }
    }

    @Test
    void aHeadTricklingInIsClosedAtTheHeadTimeout() throws Exception {
        for (boolean later : new boolean[] {false, true}) {
            try (RawHttp raw = RawHttp.connect(gateway.port())) {
                if (later) {
                    raw.write(RawHttp.post("/v1/chat/completions", CHAT));
                    assertThat(raw.readResponse(WAIT).status()).isEqualTo(200);
                }
                long start = System.nanoTime();
                boolean closed = false;
                String head = RawHttp.postHead("/v1/chat/completions", "X-Padding: " + "p".repeat(200));
                for (int i = 0; i < head.length() && !closed; i++) {
                    try {
                        raw.write(head.substring(i, i + 1));
                    } catch (RuntimeException e) {
                        closed = true;
                    }
                    Thread.sleep(100);
                    closed |= System.nanoTime() - start > 6_000_000_000L;
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("later: %s", later).isLessThan(Duration.ofSeconds(5));
                assertThat(raw.closedByPeer(Duration.ofSeconds(1))).isTrue();
            }
        }
    }

    @Test
    void aStalledBodyIsClosed() {
        for (boolean later : new boolean[] {false, true}) {
            try (RawHttp raw = RawHttp.connect(gateway.port())) {
                if (later) {
                    raw.write(RawHttp.post("/v1/chat/completions", CHAT));
                    assertThat(raw.readResponse(WAIT).status()).isEqualTo(200);
                }
                raw.write(RawHttp.postHead("/v1/chat/completions", "Content-Length: " + (CHAT.length() + 10)) + "\r\n" + CHAT);
                assertThat(raw.closedByPeer(Duration.ofSeconds(4))).as("later: %s", later).isTrue();
            }
        }
        assertThat(upstream.requests()).hasSize(1); // only the complete one before the stalled one
    }

    @Test
    void anIdleKeepAliveConnectionIsClosed() {
        try (RawHttp raw = RawHttp.connect(gateway.port())) {
            raw.write(RawHttp.post("/v1/chat/completions", CHAT));
            assertThat(raw.readResponse(WAIT).status()).isEqualTo(200);
            assertThat(raw.closedByPeer(Duration.ofMillis(1500))).isFalse();
            assertThat(raw.closedByPeer(Duration.ofSeconds(4))).isTrue();
        }
    }

    @Test
    void aSlowAnswerIsNotCut() {
        upstream.enqueue(upstream.delayed(Duration.ofMillis(4500)));
        try (RawHttp raw = RawHttp.connect(gateway.port())) {
            raw.write(RawHttp.post("/v1/chat/completions", CHAT));
            RawHttp.Response r = raw.readResponse(Duration.ofSeconds(10));
            assertThat(r.status()).isEqualTo(200);
            raw.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(raw.readResponse(WAIT).status()).isEqualTo(200);
        }
    }

    @Test
    void connectionsPerPeerAreCapped() {
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                RawHttp raw = RawHttp.connect(gateway.port());
                held.add(raw);
                raw.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertThat(raw.readResponse(WAIT).status()).isEqualTo(200);
            }
            try (RawHttp extra = RawHttp.connect(gateway.port())) {
                assertThat(extra.closedByPeer(Duration.ofSeconds(2))).isTrue();
            }
            RawHttp first = held.get(0);
            first.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(first.readResponse(WAIT).status()).isEqualTo(200);
        } finally {
            held.forEach(RawHttp::close);
        }
        // the peer's slots come back when its connections close
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (true) {
            try (RawHttp again = RawHttp.connect(gateway.port())) {
                again.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertThat(again.readResponse(WAIT).status()).isEqualTo(200);
                return;
            } catch (RuntimeException | AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }
}

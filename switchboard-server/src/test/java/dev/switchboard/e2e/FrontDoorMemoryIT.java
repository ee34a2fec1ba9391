package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertErrorJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RawHttp;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Anonymous clients cannot make the gateway hold request bodies (C1): credentials are checked on the request head,
 * before any body byte is kept, on the first and on a later request of a connection; and the bytes of bodies still
 * arriving are capped per peer (429) and in all (503), in the caller's dialect, with the connection closed.
 */
class FrontDoorMemoryIT {
    static final String CHAT = "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}";
    static final Duration WAIT = Duration.ofSeconds(5);
    static final int MIB = 1024 * 1024;

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

    static String anonymousHead(String path, long length) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + length
                + "\r\n\r\n";
    }

    @Test
    void fortyAnonymousHugeBodiesAreRefusedOnTheirHeadAndHoldNoMemory() throws Exception {
        long before = directMemoryUsed();
        List<RawHttp> sockets = new ArrayList<>();
        List<Future<RawHttp.Response>> answers = new ArrayList<>();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (int i = 0; i < 40; i++) {
                RawHttp raw = RawHttp.connect(gateway.port());
                sockets.add(raw);
                boolean later = i % 2 == 0; // half on a later request of the connection, half on the first
                String path = i % 4 == 1 ? "/v1/messages" : "/v1/chat/completions";
                answers.add(threads.submit(() -> {
                    if (later) {
                        raw.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                        assertThat(raw.readResponse(WAIT).status()).isEqualTo(200);
                    }
                    raw.write(anonymousHead(path, 32L * MIB));
                    RawHttp.Response r = raw.readResponse(WAIT); // before any body byte was sent
                    try {
                        byte[] chunk = new byte[256 * 1024];
                        for (int sent = 0; sent < 3 * MIB; sent += chunk.length) {
                            raw.write(chunk);
                        }
                    } catch (RuntimeException closed) {
                        // the gateway may close while we still send: that is what it should do
                    }
                    return r;
                }));
            }
            for (int i = 0; i < answers.size(); i++) {
                RawHttp.Response r = answers.get(i).get(20, TimeUnit.SECONDS);
                assertThat(r.status()).as("answer %d", i).isEqualTo(401);
                if (i % 4 == 1) {
                    assertThat(r.body()).contains("\"type\":\"error\"").contains("authentication_error");
                } else {
                    assertErrorJson(r.body(), "authentication_error", "invalid_api_key");
                }
            }
            long grown = directMemoryUsed() - before;
            assertThat(grown).as("direct memory held while 40 anonymous bodies arrive").isLessThan(48L * MIB);
        } finally {
            threads.shutdownNow();
            sockets.forEach(RawHttp::close);
        }
        assertThat(gateway.post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
    }

    @Test
    void wrongKeyWithAHugeContentLengthIsRefusedAtOnceAndTheConnectionClosed() {
        for (boolean later : new boolean[] {false, true}) {
            try (RawHttp raw = RawHttp.connect(gateway.port())) {
                if (later) {
                    raw.write(RawHttp.post("/v1/chat/completions", CHAT));
                    assertThat(raw.readResponse(WAIT).status()).isEqualTo(200);
                }
                raw.write("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sk-wrong\r\n"
                        + "Content-Length: 1073741824\r\n\r\n");
                RawHttp.Response r = raw.readResponse(Duration.ofSeconds(3));
                assertThat(r.status()).as("later request: %s", later).isEqualTo(401);
                assertThat(r.header("connection")).isEqualToIgnoringCase("close");
                assertThat(raw.closedByPeer(Duration.ofSeconds(5))).isTrue();
            }
        }
    }

    @Test
    void aRefusedSmallRequestKeepsItsConnection() {
        try (RawHttp raw = RawHttp.connect(gateway.port())) {
            raw.write(RawHttp.post("/v1/chat/completions", CHAT));
            assertThat(raw.readResponse(WAIT).status()).isEqualTo(200);
            raw.write("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + CHAT.length() + "\r\n\r\n" + CHAT);
            assertThat(raw.readResponse(WAIT).status()).isEqualTo(401);
            raw.write(RawHttp.post("/v1/chat/completions", CHAT));
            assertThat(raw.readResponse(WAIT).status()).isEqualTo(200);
        }
    }

    @Test
    void bodiesStillArrivingAreCappedPerPeer() {
        try (GatewayFixture capped = GatewayFixture.withYaml(GatewayFixture.defaultYaml(upstream, "")
                .replace("event_loops: 1 }", "event_loops: 1, body_memory_per_peer: 4MiB }"))) {
            assertCapped(capped, 429, "rate_limit_error", "rate_limit_exceeded");
        }
    }

    @Test
    void bodiesStillArrivingAreCappedInAll() {
        try (GatewayFixture capped = GatewayFixture.withYaml(GatewayFixture.defaultYaml(upstream, "")
                .replace("event_loops: 1 }", "event_loops: 1, body_memory: 4MiB, body_memory_per_peer: 64MiB }"))) {
            assertCapped(capped, 503, "api_error", "gateway_busy");
        }
    }

    /** Two authenticated uploads of 3 MiB, each 2.5 MiB in: the second passes the 4 MiB cap; the first still succeeds. */
    private static void assertCapped(GatewayFixture capped, int status, String type, String code) {
        String body = "{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(3 * MIB) + "\"}]}";
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int part = 5 * MIB / 2;
        try (RawHttp first = RawHttp.connect(capped.port()); RawHttp second = RawHttp.connect(capped.port())) {
            first.write(RawHttp.postHead("/v1/chat/completions", "Content-Length: " + bytes.length) + "\r\n");
            first.write(java.util.Arrays.copyOfRange(bytes, 0, part));
            sleep(500); // the gateway has read the first upload's part before the second one starts
            second.write(RawHttp.postHead("/v1/chat/completions", "Content-Length: " + bytes.length) + "\r\n");
            try {
                second.write(java.util.Arrays.copyOfRange(bytes, 0, part));
            } catch (RuntimeException closed) {
                // closed as soon as the cap was passed
            }
            RawHttp.Response refused = second.readResponse(WAIT);
            assertThat(refused.status()).isEqualTo(status);
            assertThat(refused.header("retry-after")).isNotBlank();
            assertErrorJson(refused.body(), type, code);
            assertThat(second.closedByPeer(WAIT)).isTrue();
            first.write(java.util.Arrays.copyOfRange(bytes, part, bytes.length));
            assertThat(first.readResponse(WAIT).status()).isEqualTo(200);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Direct memory in use: the JDK's count plus Netty's own (its pooled arenas may bypass the JDK's counter). */
    static long directMemoryUsed() {
        long used = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                used += pool.getMemoryUsed();
            }
        }
        long netty = io.netty.util.internal.PlatformDependent.usedDirectMemory();
        return used + Math.max(0, netty);
    }
}

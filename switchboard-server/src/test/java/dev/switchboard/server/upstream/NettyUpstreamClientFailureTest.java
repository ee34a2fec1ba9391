package dev.switchboard.server.upstream;

import static dev.switchboard.server.upstream.ClientHarness.await;
import static dev.switchboard.server.upstream.ClientHarness.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Resets, broken peers and unreachable ports. */
class NettyUpstreamClientFailureTest extends ClientTestBase {
    @Test
    void resetBeforeHeadFailsWithTheCauseAndClosesTheConnection() throws Exception {
        CompletableFuture<Void> serverSawClose = new CompletableFuture<>();
        try (RecordingServer server = new RecordingServer(vertx,
                request -> request.connection().closeHandler(v -> serverSawClose.complete(null)))) {
            AtomicReference<UpstreamExchange> exchange = new AtomicReference<>();
            CompletableFuture<ClientHarness.Answer> answer = harness.fetch("GET", server.url("/"), Map.of(), null, exchange::set);
            waitUntil(() -> server.seen.size() == 1);
            IllegalStateException cause = new IllegalStateException("caller gave up");

            harness.onContext(() -> exchange.get().reset(cause));

            assertThat(failureOf(answer)).isSameAs(cause);
            await(serverSawClose);
            harness.awaitOpenConnections(0);
            assertThat(harness.offContext).isFalse();
        }
    }

    @Test
    void resetMidBodyReportsOnceAndTheNextRequestUsesANewConnection() throws Exception {
        try (RecordingServer server = new RecordingServer(vertx, request -> {
            if (request.path().equals("/hang")) {
                request.response().setChunked(true).write("first"); // and never ends
            } else {
                request.response().end("fresh");
            }
        })) {
            AtomicInteger failures = new AtomicInteger();
            AtomicInteger ends = new AtomicInteger();
            AtomicInteger piecesAfterReset = new AtomicInteger();
            CompletableFuture<Throwable> reported = new CompletableFuture<>();
            IllegalStateException cause = new IllegalStateException("client went away");
            harness.onContext(() -> {
                UpstreamExchange exchange = harness.client.send("GET", server.url("/hang"), Map.of(), null, 5_000);
                exchange.response().onSuccess(response -> {
                    boolean[] reset = {false};
                    response.handler(piece -> {
                        if (reset[0]) {
                            piecesAfterReset.incrementAndGet();
                        }
                        reset[0] = true;
                        exchange.reset(cause);
                        exchange.reset(cause); // a second reset does nothing
                    });
                    response.endHandler(v -> ends.incrementAndGet());
                    response.exceptionHandler(failure -> {
                        harness.checkContext();
                        failures.incrementAndGet();
                        reported.complete(failure);
                    });
                });
            });

            assertThat(await(reported)).isSameAs(cause);
            assertThat(await(harness.get(server.url("/next"))).text()).isEqualTo("fresh");
            Thread.sleep(200); // room for a wrong second callback
            assertThat(failures).hasValue(1);
            assertThat(ends).hasValue(0);
            assertThat(piecesAfterReset).hasValue(0);
            assertThat(server.seen.get(1).connection()).isNotSameAs(server.seen.get(0).connection());
            harness.awaitOpenConnections(1);
            assertThat(harness.offContext).isFalse();
        }
    }

    @Test
    void peerDroppingMidBodyIsReportedAsFailure() throws Exception {
        try (RawPeer peer = new RawPeer("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly part")) {
            Throwable failure = failureOf(harness.get(peer.url("/")));

            assertThat(failure).isInstanceOf(IOException.class);
            assertThat(harness.offContext).isFalse();
        }
    }

    @Test
    void peerClosingBeforeTheHeadFailsTheResponse() throws Exception {
        try (RawPeer peer = new RawPeer("")) {
            assertThat(failureOf(harness.get(peer.url("/")))).isInstanceOf(IOException.class);
        }
    }

    @Test
    void truncatedChunkedBodyIsAFailureNotAnEnd() throws Exception {
        try (RawPeer peer = new RawPeer("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n")) {
            assertThat(failureOf(harness.get(peer.url("/")))).isInstanceOf(IOException.class);
        }
    }

    @Test
    void connectRefusedFailsFastWithConnectException() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        long started = System.nanoTime();

        Throwable failure = failureOf(harness.get("http://127.0.0.1:" + closedPort + "/"));

        assertThat(failure).isInstanceOf(ConnectException.class);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(4);
        assertThat(harness.offContext).isFalse();
    }

    @Test
    void malformedUrlFailsTheResponse() throws Exception {
        assertThat(failureOf(harness.get("ftp://example.com/"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closeFailsExchangesInFlight() throws Exception {
        try (RecordingServer server = new RecordingServer(vertx, request -> { })) {
            CompletableFuture<ClientHarness.Answer> answer = harness.get(server.url("/"));
            waitUntil(() -> server.seen.size() == 1);
            CompletableFuture<Void> closed = new CompletableFuture<>();

            harness.onContext(() -> harness.client.close().onComplete(done -> closed.complete(null)));

            await(closed);
            assertThat(failureOf(answer)).isInstanceOf(IOException.class);
            assertThat(failureOf(harness.get(server.url("/")))).isInstanceOf(IllegalStateException.class);
        }
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ClientHarness.WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in time");
            }
            Thread.sleep(10);
        }
    }
}

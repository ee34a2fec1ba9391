package dev.switchboard.server.upstream;

import static dev.switchboard.server.upstream.ClientHarness.await;
import static dev.switchboard.server.upstream.ClientHarness.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** Back-pressure, TLS and connect timeouts. */
class NettyUpstreamClientFlowTest extends ClientTestBase {
    private static final int TOTAL = 50 * 1024 * 1024;
    private static final int CHUNK = 64 * 1024;
    private static final int PERIOD = 251; // a prime, so misplaced chunks show as wrong bytes

    @Test
    void pauseStopsReadingFromTheSocketAndResumeDeliversEverythingInOrder() throws Exception {
        byte[] pattern = new byte[CHUNK + PERIOD];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i % PERIOD);
        }
        AtomicLong written = new AtomicLong();
        try (RecordingServer server = new RecordingServer(vertx, request -> {
            HttpServerResponse response = request.response().putHeader("content-length", String.valueOf(TOTAL));
            pump(response, pattern, written);
        })) {
            AtomicLong delivered = new AtomicLong();
            AtomicLong misplaced = new AtomicLong();
            long[] deliveredWhilePaused = new long[1];
            long[] writtenWhilePaused = new long[1];
            CompletableFuture<Void> ended = new CompletableFuture<>();
            harness.onContext(() -> harness.client.send("GET", server.url("/big"), Map.of(), null, 5_000).response()
                    .onSuccess(response -> {
                        response.pause();
                        response.handler(piece -> {
                            long offset = delivered.get();
                            for (int i = 0; i < piece.length(); i++) {
                                if (piece.getByte(i) != (byte) ((offset + i) % PERIOD)) {
                                    misplaced.incrementAndGet();
                                }
                            }
                            delivered.addAndGet(piece.length());
                        });
                        response.endHandler(v -> ended.complete(null));
                        response.exceptionHandler(ended::completeExceptionally);
                        vertx.setTimer(500, id -> {
                            deliveredWhilePaused[0] = delivered.get();
                            writtenWhilePaused[0] = written.get();
                            response.resume();
                        });
                    }));

            await(ended);
            assertThat(deliveredWhilePaused[0]).isZero();
            assertThat(writtenWhilePaused[0]).isLessThan(16L * 1024 * 1024);
            assertThat(delivered).hasValue(TOTAL);
            assertThat(misplaced).hasValue(0);
        }
    }

    /** Writes the pattern as fast as the connection takes it, honouring the server's write queue. */
    private static void pump(HttpServerResponse response, byte[] pattern, AtomicLong written) {
        while (written.get() < TOTAL && !response.writeQueueFull()) {
            int offset = (int) (written.get() % PERIOD);
            int length = (int) Math.min(CHUNK, TOTAL - written.get());
            response.write(Buffer.buffer(java.util.Arrays.copyOfRange(pattern, offset, offset + length)));
            written.addAndGet(length);
        }
        if (written.get() < TOTAL) {
            response.drainHandler(v -> pump(response, pattern, written));
        } else {
            response.end();
        }
    }

    @Test
    void httpsWithTrustedSelfSignedCertificate() throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
        HttpServerOptions options = new HttpServerOptions().setHost("localhost").setSsl(true)
                .setKeyCertOptions(certificate.keyCertOptions());
        SslContext trusting = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(new File(certificate.certificatePath())).build();
        ClientHarness trustingHarness = new ClientHarness(vertx, context -> new NettyUpstreamClient(context, trusting));
        try (RecordingServer server = new RecordingServer(vertx, options, request -> request.response().end("secret stuff"))) {
            String url = "https://localhost:" + server.port() + "/tls";

            ClientHarness.Answer answer = await(trustingHarness.get(url));
            await(trustingHarness.get(url));

            assertThat(answer.text()).isEqualTo("secret stuff");
            assertThat(server.seen.getFirst().headers().get("host")).isEqualTo("localhost:" + server.port());
            assertThat(server.seen.get(1).connection()).isSameAs(server.seen.get(0).connection());
            assertThat(trustingHarness.offContext).isFalse();

            Throwable refused = failureOf(harness.get(url)); // default trust store: the self-signed cert is unknown
            Assertions.assertThat(refused).isInstanceOf(SSLException.class);
            assertThat(server.seen).hasSize(2);
        } finally {
            trustingHarness.close();
            certificate.delete();
        }
    }

    @Test
    void connectTimeoutFailsWithNettysConnectTimeoutException() throws Exception {
        // a listener that never accepts, with its backlog full: further SYNs are dropped and the connect hangs
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket filler = new Socket();
                    try {
                        filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 300);
                        fillers.add(filler);
                    } catch (java.io.IOException full) {
                        filler.close();
                        break;
                    }
                }
                CompletableFuture<Throwable> failure = new CompletableFuture<>();
                harness.onContext(() -> harness.client.send("GET", "http://127.0.0.1:" + listener.getLocalPort() + "/",
                        Map.of(), null, 300).response().onComplete(done -> failure.complete(done.cause())));

                assertThat(await(failure)).isInstanceOf(ConnectTimeoutException.class);
            } finally {
                for (Socket filler : fillers) {
                    filler.close();
                }
            }
        }
    }
}

package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading a stream must stop the upstream too: the gateway pauses the upstream while the
 * client's write queue is full, so the upstream sees its own write queue fill instead of the gateway buffering
 * the whole answer. When the client reads again, the data flows again.
 */
class BackPressureIT {
    static final long TOTAL = 200L * 1024 * 1024;
    static final long FAR_BELOW = 40L * 1024 * 1024; // socket buffers on both hops may hold a few MB each (~10 MB seen)

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

    @Test
    void aClientThatDoesNotReadStallsTheUpstreamAndReadingResumesTheFlow() throws IOException {
        upstream.enqueue(upstream.flood(TOTAL));
        int closedBefore = upstream.closedConnections();
        try (RawHttp raw = RawHttp.connect(gateway.port(), 64 * 1024)) {
            raw.write(RawHttp.post("/v1/chat/completions",
                    "{\"model\":\"smart\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"flood\"}]}"));

            long stalled = awaitStall();
            assertThat(upstream.sawWriteQueueFull()).as("the upstream saw its write queue full").isTrue();
            assertThat(stalled).as("bytes the upstream wrote while the client did not read").isLessThan(FAR_BELOW);

            // Read again: the upstream must be resumed and go on well past where it stalled.
            long target = stalled + 32L * 1024 * 1024;
            InputStream in = raw.input();
            byte[] buf = new byte[256 * 1024];
            long read = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (upstream.streamedBytes() < target) {
                int n = in.read(buf);
                assertThat(n).as("the stream goes on").isPositive();
                read += n;
                assertThat(System.nanoTime()).as("the flow resumes within 20 s").isLessThan(deadline);
            }
            assertThat(read).isGreaterThan(16L * 1024 * 1024);
        }
        // The client left before the end: the gateway closes the upstream connection. (streamedBytes may still reach
        // TOTAL: flood() counts what it writes into the dying connection before it notices the close.)
        TimeoutsIT.awaitUntil(() -> upstream.closedConnections() > closedBefore, "the gateway closes the upstream connection");
        assertThat(gateway.usage().awaitEvents(1, Duration.ofSeconds(3)).get(0).status()).isEqualTo(499);
    }

    /** Waits until the upstream's byte count stops moving for 400 ms and returns it. */
    private static long awaitStall() {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        long last = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = upstream.streamedBytes();
            if (now != last || now == 0) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > Duration.ofMillis(400).toNanos()) {
                return now;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("the upstream never stalled: " + upstream.streamedBytes() + " bytes written of " + TOTAL);
    }
}

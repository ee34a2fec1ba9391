package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import io.vertx.core.http.HttpServerResponse;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * With the default settings one gateway instance on one event loop keeps well over 2,048 long streams open to one
 * provider at once (it used to hold at most 1,024 per event loop and queue the rest until they timed out).
 */
class ManyLongStreamsIT {
    static final int STREAMS = 2_500;
    static final String CHUNK = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"finish_reason\":%s}]}\n\n";

    @Test
    void moreThan2048ConcurrentStreamsThroughOneEventLoopAllSucceed() throws Exception {
        long fds = ((com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getMaxFileDescriptorCount();
        Assumptions.assumeTrue(fds >= 4L * STREAMS + 2_000,
                "ulimit -n is " + fds + ": " + STREAMS + " streams take four sockets each in this JVM (client, gateway both"
                        + " ways, upstream); raise it to run this test");
        AtomicInteger arrived = new AtomicInteger();
        AtomicBoolean allAtOnce = new AtomicBoolean();
        try (FakeUpstream upstream = FakeUpstream.start();
             // all streams come from one peer (this JVM): its connection cap is raised above them
             GatewayFixture gateway = GatewayFixture.withYaml(GatewayFixture.defaultYaml(upstream, "").replace(
                     "event_loops: 1 }", "event_loops: 1, max_connections_per_peer: 5000 }"))) {
            FakeUpstream.Behavior held = (req, body) -> {
                HttpServerResponse res = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
                res.write(CHUNK.formatted("open", "null"));
                long since = System.nanoTime();
                if (arrived.incrementAndGet() == STREAMS) {
                    allAtOnce.set(true);
                }
                // each stream stays open until all are open (or 8 s, so a gateway that queues them fails, not hangs),
                // then one more second
                upstream.vertx().setPeriodic(100, id -> {
                    if (allAtOnce.get() || System.nanoTime() - since > 8_000_000_000L) {
                        upstream.vertx().cancelTimer(id);
                        upstream.vertx().setTimer(1000, t -> res.end(CHUNK.formatted("", "\"stop\"") + "data: [DONE]\n\n"));
                    }
                });
            };
            for (int i = 0; i < STREAMS; i++) {
                upstream.enqueue(held);
            }
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>(STREAMS);
            for (int i = 0; i < STREAMS; i++) {
                calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                        .timeout(Duration.ofSeconds(25))
                        .header("Authorization", "Bearer " + GatewayFixture.KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"smart\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            int ok = 0;
            List<String> failures = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                try {
                    HttpResponse<String> r = call.get();
                    if (r.statusCode() == 200 && r.body().contains("[DONE]")) {
                        ok++;
                    } else if (failures.size() < 3) {
                        failures.add(r.statusCode() + " " + r.body());
                    }
                } catch (Exception e) {
                    if (failures.size() < 3) {
                        failures.add(e.toString());
                    }
                }
            }
            assertThat(allAtOnce.get()).as("all %d streams were open at the provider at once (%d were)", STREAMS, arrived.get())
                    .isTrue();
            assertThat(ok).as("streams that succeeded; first failures: %s", failures).isEqualTo(STREAMS);
            http.close();
        }
    }
}

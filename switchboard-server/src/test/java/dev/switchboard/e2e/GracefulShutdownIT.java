package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A stream in flight when the gateway is asked to stop still completes; new connections are refused. */
class GracefulShutdownIT {

    @Test
    void streamInFlightFinishesWhileTheGatewayDrains() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            GatewayFixture gateway = GatewayFixture.openAi(upstream);
            List<String> events = List.of(
                    "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"one\"},\"finish_reason\":null}]}\n\n",
                    "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" two\"},\"finish_reason\":\"stop\"}]}\n\n",
                    "data: [DONE]\n\n");
            upstream.enqueue(upstream.rawStream(events, Duration.ofMillis(600)));
            CompletableFuture<HttpResponse<String>> inFlight = gateway.httpClient().sendAsync(
                    HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                            .header("Authorization", "Bearer " + GatewayFixture.KEY)
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"model\":\"fake/gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300); // the request is now waiting on the upstream's slow chunks
            long start = System.nanoTime();
            gateway.close();
            long closeMillis = (System.nanoTime() - start) / 1_000_000;

            HttpResponse<String> response = inFlight.get();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"one\"", "\" two\"", "data: [DONE]");
            assertThat(closeMillis).as("close waited for the stream").isGreaterThan(500);
        }
    }
}

package dev.switchboard.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Large bodies are estimated off the event loop, answered on the caller's context, and never queued without bound. */
class EstimateWorkersTest {
    private final Vertx vertx = Vertx.vertx();
    private final TokenEstimator estimator = new TokenEstimator();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static byte[] prompt(String text) {
        return ("{\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void smallBodiesInlineLargeOnesOnAWorkerAnsweredOnTheCallersContext() throws Exception {
        EstimateWorkers workers = new EstimateWorkers(estimator);
        byte[] small = prompt("hello there");
        byte[] large = prompt("The quick brown fox jumps over the lazy dog. ".repeat(2_000));
        CompletableFuture<String> result = new CompletableFuture<>();
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            assertThat(workers.inline("gpt-4o", small)).isNotNull();
            assertThat(workers.inline("gpt-4o", large)).isNull();
            workers.offLoop("gpt-4o", large).onComplete(ar -> result.complete(
                    (Vertx.currentContext() == context) + " " + ar.result().inputTokens()));
        });
        long exact = estimator.estimate("gpt-4o", large).inputTokens();
        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("true " + exact);
    }

    @Test
    void aSaturatedPoolGivesTheCheapEstimateInsteadOfQueueing() throws Exception {
        EstimateWorkers workers = new EstimateWorkers(estimator, 1, 1);
        byte[] slow = prompt("a".repeat(TokenEstimator.EXACT_CHARS));
        byte[] english = prompt("The quick brown fox jumps over the lazy dog. ".repeat(500));
        CompletableFuture<List<Long>> result = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            List<Future<RequestEstimate>> all = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                all.add(workers.offLoop("gpt-4o", i < 3 ? slow : english));
            }
            Future.all(all).onComplete(ar -> result.complete(all.stream().map(f -> f.result().inputTokens()).toList()));
        });
        List<Long> tokens = result.get(20, TimeUnit.SECONDS);
        // one running, one waiting: the fourth did not wait and got 4 tokens per 5 bytes, above the exact count
        assertThat(tokens.get(3)).isEqualTo(estimator.cheapEstimate("gpt-4o", english).inputTokens())
                .isGreaterThan(estimator.estimate("gpt-4o", english).inputTokens() * 2);
    }
}

package dev.switchboard.cache.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A gateway's shutdown waits for the closes its retired stages queued, so a retired index's last commit is kept. */
class GatewayCachesCloseTest {
    @Test
    void closingAGatewayWaitsForTheClosesQueuedBeforeIt() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            GatewayCaches.of(vertx); // the gateway has caches
            AtomicBoolean committed = new AtomicBoolean();
            GatewayCaches.CLOSER.execute(() -> { // a retired index committing its last entries
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                committed.set(true);
            });
            GatewayCaches.close(vertx).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(committed).as("done before the gateway is called closed").isTrue();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}

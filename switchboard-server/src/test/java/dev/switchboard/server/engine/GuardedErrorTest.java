package dev.switchboard.server.engine;

import dev.switchboard.server.call.Exchange;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.cost.PriceTable;
import dev.switchboard.ingress.openai.OpenAiIngress;
import dev.switchboard.limits.LocalLimiter;
import dev.switchboard.limits.Reservation;
import dev.switchboard.model.Operation;
import dev.switchboard.runtime.Snapshot;
import dev.switchboard.telemetry.GatewayMetrics;
import dev.switchboard.tokens.TokenEstimator;
import dev.switchboard.usage.UsageEvent;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An Error thrown inside a request step (out of memory, stack overflow) still answers the caller and settles. */
class GuardedErrorTest {
    private final List<UsageEvent> events = new ArrayList<>();
    private final OutcomeRecorder recorder = new OutcomeRecorder(new GatewayMetrics(), events::add,
            new AdmissionControl(new LocalLimiter(), new TokenEstimator(), PriceTable.bundled()));

    @Test
    void stackOverflowInAStepAnswers500AndSettles() {
        assertAnsweredAndSettled(new StackOverflowError("deep"));
    }

    @Test
    void outOfMemoryInAStepAnswers500AndSettles() {
        assertAnsweredAndSettled(new OutOfMemoryError("Java heap space"));
    }

    private void assertAnsweredAndSettled(Error error) {
        RecordingClientSide client = new RecordingClientSide();
        Exchange ex = new Exchange("req-err", client, snapshot());
        ex.request = OpenAiIngress.INSTANCE.decode(Operation.CHAT,
                "{\"model\":\"demo/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(StandardCharsets.UTF_8));
        SettleProbe reservation = new SettleProbe();
        ex.reservation = reservation;

        recorder.guarded(ex, () -> {
            throw error;
        });

        assertThat(client.status).isEqualTo(500);
        assertThat(client.body).contains("\"error\"").contains("req-err");
        assertThat(ex.isFinished()).isTrue();
        assertThat(reservation.settled).isEqualTo(1);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).status()).isEqualTo(500);
    }

    private static Snapshot snapshot() {
        var config = new ConfigLoader(ProviderCatalogue.bundled(), k -> null).parse("""
                version: 1
                server: { listen: 127.0.0.1:0 }
                providers: []
                """);
        return Snapshot.build(config, ProviderCatalogue.bundled(), type -> "http://127.0.0.1:1");
    }

    private static final class SettleProbe implements Reservation {
        int settled;

        @Override
        public void reconcile(long actualTokens, long actualMicroUsd) {
            settled++;
        }

        @Override
        public void release() {
            settled++;
        }

        @Override
        public Future<Boolean> extend(long moreTokens, long moreMicroUsd) {
            return Future.succeededFuture(false);
        }
    }
}

package dev.switchboard.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Token meters are made on first use of a label set, which every event loop shares: two loops recording the first
 * tokens of a label set at once must both count, never see a half-made set (a stage-answer burst found an NPE).
 */
class GatewayMetricsRaceTest {
    @RepeatedTest(20)
    void firstTokensFromManyThreadsAtOnce() throws Exception {
        GatewayMetrics metrics = new GatewayMetrics();
        GatewayMetrics.MeterSet set = metrics.meters(new GatewayMetrics.Labels("chat", "none", "m", "200", ""));
        int threads = 8;
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> all = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    set.tokens(1, 2);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            t.start();
            all.add(t);
        }
        go.countDown();
        for (Thread t : all) {
            t.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(metrics.registry().find("switchboard.tokens").tag("gen_ai.token.type", "output").counter().count())
                .isEqualTo(2.0 * threads);
    }
}

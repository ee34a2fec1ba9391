package dev.switchboard.server.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The learned output per model: the prior first, then mean + 2 deviations of real answers, clamped and bounded. */
class OutputEstimatesTest {
    static final long PRIOR = 256;
    static final long CAP = 4096;

    @Test
    void thePriorUntilAnAnswerIsSeenThenWhatAnswersReallyUse() {
        OutputEstimates e = new OutputEstimates();
        assertThat(e.expected("fake/gpt-4o", PRIOR, CAP)).isEqualTo(256);
        assertThat(e.expected("fake/gpt-4o", 9000, CAP)).as("never above the model's cap").isEqualTo(CAP);
        e.observe("fake/gpt-4o", 100);
        assertThat(e.expected("fake/gpt-4o", PRIOR, CAP)).as("one answer: wide").isEqualTo(200);
        for (int i = 0; i < 50; i++) {
            e.observe("fake/gpt-4o", 100);
        }
        assertThat(e.expected("fake/gpt-4o", PRIOR, CAP)).isBetween(100L, 105L);
        assertThat(e.expected("fake/other", PRIOR, CAP)).as("another model keeps the prior").isEqualTo(256);
    }

    @Test
    void tinyAnswersReserveAtLeastTheFloorAndHugeOnesAtMostTheCap() {
        OutputEstimates e = new OutputEstimates();
        for (int i = 0; i < 20; i++) {
            e.observe("m/small", 1);
            e.observe("m/huge", 1_000_000);
        }
        assertThat(e.expected("m/small", PRIOR, CAP)).isEqualTo(OutputEstimates.FLOOR);
        assertThat(e.expected("m/huge", PRIOR, CAP)).isEqualTo(CAP);
        assertThat(e.expected("m/small", PRIOR, 8)).as("a cap below the floor wins").isEqualTo(8);
    }

    @Test
    void spreadOutAnswersReserveAboveTheirMeanAndFollowAChange() {
        OutputEstimates e = new OutputEstimates();
        for (int i = 0; i < 200; i++) {
            e.observe("m/varied", i % 2 == 0 ? 100 : 300); // mean 200, mean deviation 100
        }
        assertThat(e.expected("m/varied", PRIOR, CAP)).isBetween(330L, 440L);
        for (int i = 0; i < 100; i++) {
            e.observe("m/varied", 1000);
        }
        assertThat(e.expected("m/varied", PRIOR, CAP)).as("moves to the new level").isBetween(1000L, 1010L);
    }

    @Test
    void boundedModelsShareOneEstimateBeyondTheLimit() {
        OutputEstimates e = new OutputEstimates();
        for (int i = 0; i < OutputEstimates.MAX_MODELS + 500; i++) {
            e.observe("p/model-" + i, 40);
        }
        assertThat(e.size()).isEqualTo(OutputEstimates.MAX_MODELS);
        assertThat(e.expected("p/model-0", PRIOR, CAP)).isEqualTo(80);
        assertThat(e.expected("p/never-seen", PRIOR, CAP)).as("the shared estimate, learned from the overflow").isLessThan(PRIOR);
        assertThat(e.expected("p/model-" + (OutputEstimates.MAX_MODELS + 10), PRIOR, CAP)).isLessThan(PRIOR);
    }

    @Test
    void concurrentObservationsAreAllCounted() throws Exception {
        OutputEstimates e = new OutputEstimates();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    e.observe("m/shared", 50);
                    e.expected("m/shared", PRIOR, CAP);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(e.expected("m/shared", PRIOR, CAP)).isEqualTo(50);
        assertThat(e.size()).isEqualTo(1);
    }

    @Test
    void negativeCountsAreIgnored() {
        OutputEstimates e = new OutputEstimates();
        e.observe("m/x", -5);
        assertThat(e.expected("m/x", PRIOR, CAP)).isEqualTo(256);
    }
}

package dev.switchboard.cache.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The holding rules: the last holder closes a thing once; a stage lets go once and takes nothing once closed. */
class SharedTest {
    private final List<String> closed = new CopyOnWriteArrayList<>();
    private final AtomicInteger made = new AtomicInteger();
    private final Shared<String> shared = new Shared<>(t -> { }, closed::add);

    private String make() {
        return "thing-" + made.incrementAndGet();
    }

    @Test
    void theLastHolderClosesItOnceAndANewHoldMakesAnother() {
        Shared.Lease<String> a = shared.hold("x", this::make);
        Shared.Lease<String> b = shared.hold("x", this::make);
        assertThat(b.thing()).isSameAs(a.thing());
        a.release();
        a.release(); // twice counts once
        assertThat(closed).isEmpty();
        b.release();
        assertThat(closed).containsExactly("thing-1");
        assertThat(shared.values()).isEmpty();
        assertThat(shared.holdIfOpen("x")).isNull();
        assertThat(shared.hold("x", this::make).thing()).isEqualTo("thing-2");
    }

    @Test
    void aStageClosedBeforeItTookAnythingLetsGoOfNothingAndTakesNothingAfter() {
        Shared.Lease<String> other = shared.hold("x", this::make);
        StageHolds early = new StageHolds();
        early.close();
        assertThat(early.<String>hold("store", () -> shared.hold("x", this::make))).isNull();
        early.close();
        assertThat(closed).isEmpty();
        other.release();
        assertThat(closed).containsExactly("thing-1");
    }

    @Test
    void aStageTakesOnceAndLetsGoOnceNewestFirst() {
        StageHolds stage = new StageHolds();
        assertThat(stage.<String>hold("index", () -> shared.hold("i", this::make))).isEqualTo("thing-1");
        assertThat(stage.<String>hold("feed", () -> shared.hold("f", this::make))).isEqualTo("thing-2");
        assertThat(stage.<String>hold("index", () -> shared.hold("i", this::make))).isEqualTo("thing-1");
        assertThat(stage.<String>hold("none", () -> shared.holdIfOpen("nothing"))).isNull();
        stage.close();
        stage.close();
        assertThat(closed).containsExactly("thing-2", "thing-1"); // the feed before the index it feeds
    }

    @Test
    void theGatewayClosingFirstMakesLaterReleasesNothing() {
        Shared.Lease<String> a = shared.hold("x", this::make);
        assertThat(shared.clear()).containsExactly("thing-1");
        a.release();
        assertThat(closed).isEmpty(); // the gateway closed it, not the release
    }

    @Test
    void concurrentHoldsAndReleasesCloseEachThingExactlyOnceAndLeaveNothingOpen() throws Exception {
        int threads = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 5_000; i++) {
                    StageHolds stage = new StageHolds();
                    String key = "k" + (i % 3);
                    stage.hold("store", () -> shared.hold(key, this::make));
                    stage.close();
                }
            });
            th.start();
            all.add(th);
        }
        go.countDown();
        for (Thread th : all) {
            th.join();
        }
        assertThat(shared.values()).isEmpty();
        assertThat(closed).hasSize(made.get()).doesNotHaveDuplicates();
    }
}

package dev.switchboard.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The admissions' backstop: one timer per loop ends the waits still open, and only those. */
class LoopTimeoutTest {
    private static final Vertx VERTX = Vertx.vertx();

    @AfterAll
    static void close() throws Exception {
        VERTX.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void onALoopOnlyTheWaitsStillOpenExpireAndEachOnce() throws Exception {
        LoopTimeout timeout = new LoopTimeout(VERTX, 50);
        List<Integer> expired = new CopyOnWriteArrayList<>();
        CountDownLatch fired = new CountDownLatch(1);
        VERTX.getOrCreateContext().runOnContext(v -> {
            for (int i = 0; i < 100; i++) {
                Promise<Void> p = Promise.promise();
                int n = i;
                timeout.watch(p.future(), () -> {
                    expired.add(n);
                    p.tryFail(timeout.timeout());
                    if (n == 99) {
                        fired.countDown();
                    }
                });
                if (i % 2 == 0) {
                    p.complete(); // answered in time
                }
            }
        });
        assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(150); // a second firing would show here
        assertThat(expired).hasSize(50).allMatch(n -> n % 2 == 1).doesNotHaveDuplicates();
    }

    @Test
    void offALoopAWaitGetsATimerOfItsOwn() throws Exception {
        LoopTimeout timeout = new LoopTimeout(VERTX, 30);
        CountDownLatch fired = new CountDownLatch(1);
        Promise<Void> open = Promise.promise();
        timeout.watch(open.future(), fired::countDown);
        Promise<Void> answered = Promise.promise();
        List<String> wrong = new CopyOnWriteArrayList<>();
        timeout.watch(answered.future(), () -> wrong.add("expired after its answer"));
        answered.complete();
        assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(100);
        assertThat(wrong).isEmpty();
        assertThat(timeout.timeout()).hasMessageContaining("30 ms");
    }
}

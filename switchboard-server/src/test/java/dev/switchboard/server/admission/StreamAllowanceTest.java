package dev.switchboard.server.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.limits.Reservation;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a stream asks for more room: at its held output (measured as bytes / 4), never before a few events, in steps. */
class StreamAllowanceTest {
    /** Grants while {@code room} steps are left; records each ask. */
    static final class Steps implements Reservation {
        final List<Long> asks = new ArrayList<>();
        int room;

        Steps(int room) {
            this.room = room;
        }

        @Override
        public void reconcile(long actualTokens, long actualMicroUsd) {
        }

        @Override
        public void release() {
        }

        @Override
        public Future<Boolean> extend(long moreTokens, long moreMicroUsd) {
            asks.add(moreTokens);
            return Future.succeededFuture(room-- > 0);
        }
    }

    @Test
    void anEstimateSizedReservationAsksOnceTheMeasureReachesIt() {
        Steps r = new Steps(10);
        StreamAllowance a = new StreamAllowance(r, 2000, false, 100);
        assertThat(a.check(2000 * 4 - 1)).as("below the held output").isNull();
        assertThat(a.check(2000 * 4).result()).isTrue();
        assertThat(r.asks).containsExactly(StreamAllowance.STEP_TOKENS);
        assertThat(a.check(2000 * 4 + StreamAllowance.STEP_TOKENS * 4 - 1)).isNull();
        assertThat(a.check(2000 * 4 + StreamAllowance.STEP_TOKENS * 4).result()).isTrue();
        assertThat(a.extendedMicroUsd()).isEqualTo(200);
    }

    @Test
    void aSmallReservationIsNotCheckedOnItsFirstFramingHeavyEvents() {
        Steps r = new Steps(0);
        StreamAllowance a = new StreamAllowance(r, 16, false, 100);
        assertThat(a.check(16 * 4)).isNull();
        assertThat(a.check(StreamAllowance.FIRST_CHECK_TOKENS * 4 - 1)).isNull();
        assertThat(a.check(StreamAllowance.FIRST_CHECK_TOKENS * 4).result()).as("no room: cut").isFalse();
        assertThat(a.extendedMicroUsd()).isZero();
    }

    @Test
    void aReservationTheProviderCapsIsCheckedOnlyWellAfterTheCap() {
        Steps r = new Steps(1);
        StreamAllowance a = new StreamAllowance(r, 10, true, 100);
        assertThat(a.check(StreamAllowance.STEP_TOKENS * 4 - 1)).isNull();
        assertThat(a.check(StreamAllowance.STEP_TOKENS * 4).result()).isTrue();
    }
}

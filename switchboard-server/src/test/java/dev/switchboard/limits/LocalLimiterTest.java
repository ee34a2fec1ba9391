package dev.switchboard.limits;

class LocalLimiterTest extends LimiterContractTest {
    @Override
    CountingLimiter newLimiter(MutableClock clock) {
        return new LocalLimiter(clock);
    }

    @Override
    void settle(CountingLimiter limiter) {
        // local adjustments apply at once
    }
}

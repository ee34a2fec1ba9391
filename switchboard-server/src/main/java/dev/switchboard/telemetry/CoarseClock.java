package dev.switchboard.telemetry;

import io.micrometer.core.instrument.Clock;

/**
 * Micrometer's clock with a wall time read every 10 ms by one daemon thread. Micrometer reads the wall clock on
 * every histogram and max record (to rotate their time windows, which last minutes); with four records per request
 * those reads showed in the per-request profile. Monotonic time stays exact: durations are measured with it.
 */
final class CoarseClock implements Clock {
    static final CoarseClock INSTANCE = new CoarseClock();
    private static final long TICK_MILLIS = 10;

    private volatile long wallMillis = System.currentTimeMillis();

    private CoarseClock() {
        Thread ticker = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(TICK_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                wallMillis = System.currentTimeMillis();
            }
        }, "switchboard-metrics-clock");
        ticker.setDaemon(true);
        ticker.start();
    }

    @Override
    public long wallTime() {
        return wallMillis;
    }

    @Override
    public long monotonicTime() {
        return System.nanoTime();
    }
}

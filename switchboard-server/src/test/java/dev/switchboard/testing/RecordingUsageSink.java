package dev.switchboard.testing;

import dev.switchboard.usage.UsageEvent;
import dev.switchboard.usage.UsageSink;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every usage event the gateway emits, for assertions. */
public final class RecordingUsageSink implements UsageSink {
    private final List<UsageEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void record(UsageEvent event) {
        events.add(event);
    }

    public List<UsageEvent> events() {
        return List.copyOf(events);
    }

    /** Waits until at least {@code count} events arrived (they are emitted when a response ends). */
    public List<UsageEvent> awaitEvents(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events.size() < count && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (events.size() < count) {
            throw new AssertionError("expected " + count + " usage events, got " + events.size() + ": " + events);
        }
        return events();
    }

    public UsageEvent last() {
        return events.get(events.size() - 1);
    }

    public void clear() {
        events.clear();
    }
}

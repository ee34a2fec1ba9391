package dev.switchboard.usage;

/** Receives one event per finished request. Implementations must not block the caller (event loop). */
public interface UsageSink {
    void record(UsageEvent event);
}

package dev.switchboard.server.call;

/**
 * Runs a step of the exchange on its event loop; anything it throws still answers the client. The engine's outcome
 * recorder is the one in use; the relays get it as this interface so they need not know the engine.
 */
@FunctionalInterface
public interface Guard {
    void guarded(Exchange ex, Runnable step);
}

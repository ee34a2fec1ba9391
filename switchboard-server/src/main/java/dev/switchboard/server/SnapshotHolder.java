package dev.switchboard.server;

import dev.switchboard.runtime.Snapshot;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The current config snapshot, swapped atomically on reload; requests read it once at their start.
 * Also carries the draining flag that turns {@code /readyz} to 503 during shutdown.
 */
public final class SnapshotHolder {
    private final AtomicReference<Snapshot> current;
    private volatile boolean draining;
    private volatile java.util.Map<String, dev.switchboard.config.Secret> storeCredentials = java.util.Map.of();

    /** The upstream keys last read from the store, applied to every snapshot built from now on. */
    public java.util.Map<String, dev.switchboard.config.Secret> storeCredentials() {
        return storeCredentials;
    }

    public void storeCredentials(java.util.Map<String, dev.switchboard.config.Secret> credentials) {
        this.storeCredentials = credentials;
    }

    public boolean draining() {
        return draining;
    }

    public void startDraining() {
        draining = true;
    }

    public SnapshotHolder(Snapshot initial) {
        this.current = new AtomicReference<>(initial);
    }

    public Snapshot get() {
        return current.get();
    }

    public void set(Snapshot next) {
        current.set(next);
    }
}

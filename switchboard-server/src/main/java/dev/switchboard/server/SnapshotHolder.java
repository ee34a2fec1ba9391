package dev.switchboard.server;

import dev.switchboard.config.GatewayConfig;
import dev.switchboard.runtime.Snapshot;
import dev.switchboard.secret.Secret;
import java.util.Map;

/**
 * The current config snapshot, swapped atomically on reload; requests read it once at their start.
 * A snapshot is built from two inputs that change on different threads: the config (file watcher, {@link
 * Gateway#reload}) and the upstream credentials read from the store (store sync). Both are kept here and every
 * rebuild happens under one lock from the latest of each, so neither update can overwrite the other's.
 * Also carries the draining flag that turns {@code /readyz} to 503 during shutdown.
 */
public final class SnapshotHolder {
    /** Builds a snapshot from a config and the store's credentials by provider name. */
    @FunctionalInterface
    public interface Builder {
        Snapshot build(GatewayConfig config, Map<String, Secret> storeCredentials);
    }

    private final Builder builder;
    private final Object rebuild = new Object();
    private volatile Snapshot current;
    private volatile boolean draining;
    /** Guarded by {@link #rebuild}. */
    private GatewayConfig config;
    private Map<String, Secret> storeCredentials = Map.of();

    public SnapshotHolder(GatewayConfig initial, Builder builder) {
        this.builder = builder;
        this.config = initial;
        this.current = builder.build(initial, storeCredentials);
    }

    public Snapshot get() {
        return current;
    }

    /** A new config, with the latest store credentials. If building throws, nothing changes. */
    public void reconfigure(GatewayConfig next) {
        synchronized (rebuild) {
            Snapshot built = builder.build(next, storeCredentials);
            config = next;
            replace(built);
        }
    }

    /** New store credentials, applied to the latest config; no rebuild when they did not change. */
    public void storeCredentials(Map<String, Secret> credentials) {
        synchronized (rebuild) {
            if (credentials.equals(storeCredentials)) {
                return;
            }
            Snapshot built = builder.build(config, credentials);
            storeCredentials = credentials;
            replace(built);
        }
    }

    /** Swaps the snapshot in; the old one's stages close once requests that started under it are over. */
    private void replace(Snapshot built) {
        Snapshot old = current;
        current = built;
        java.time.Duration longest = old.config().timeouts() == null ? java.time.Duration.ofMinutes(10)
                : old.config().timeouts().total();
        StageRetirement.retire(old.stages(), built.stages(), longest);
    }

    public boolean draining() {
        return draining;
    }

    public void startDraining() {
        draining = true;
    }
}

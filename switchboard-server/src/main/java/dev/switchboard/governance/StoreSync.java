package dev.switchboard.governance;

import dev.switchboard.config.Secret;
import dev.switchboard.store.CredentialRepository;
import dev.switchboard.store.DecryptedCredential;
import dev.switchboard.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link StoreDirectory} current: polls the store's revision (one cheap query) on a worker thread and
 * reloads keys, teams and credentials when it moved. When the database is unreachable the last directory keeps
 * serving (every known key still works) and the poll retries; the outage and the recovery are logged once.
 */
public final class StoreSync implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreSync.class);

    private final Vertx vertx;
    private final Store store;
    private volatile CredentialRepository credentials;
    private final AtomicReference<StoreDirectory> current = new AtomicReference<>(StoreDirectory.EMPTY);
    private final Consumer<StoreDirectory> onChange;
    private volatile boolean failing;
    private long timer = -1;

    /** @param credentials null when no master key is configured (store credentials are then not used) */
    public StoreSync(Vertx vertx, Store store, CredentialRepository credentials, Consumer<StoreDirectory> onChange) {
        this.vertx = vertx;
        this.store = store;
        this.credentials = credentials;
        this.onChange = onChange;
    }

    /** After a master key rotation: credentials are decrypted with the new key from the next load on. */
    public void credentials(CredentialRepository rotated) {
        this.credentials = rotated;
    }

    public StoreDirectory directory() {
        return current.get();
    }

    /** Loads once (blocking the caller: used at startup, before traffic) and polls every {@code interval} after. */
    public void start(Duration interval) {
        try {
            load();
        } catch (RuntimeException e) {
            failing = true;
            LOG.warn("store unreachable at startup, serving config keys only until it answers: {}", e.getMessage());
        }
        timer = vertx.setPeriodic(interval.toMillis(), id -> poll());
    }

    /** Checks the revision now (on a worker); completes when any reload finished. */
    public Future<Void> poll() {
        return vertx.<Void>executeBlocking(() -> {
            try {
                if (store.revision() != current.get().revision()) {
                    load();
                }
                if (failing) {
                    failing = false;
                    LOG.info("store reachable again");
                }
            } catch (RuntimeException e) {
                if (!failing) {
                    failing = true;
                    LOG.warn("store unreachable, serving the last known keys: {}", e.getMessage());
                }
            }
            return null;
        }, false);
    }

    private void load() {
        long revision = store.revision();
        Map<String, Secret> creds = new HashMap<>();
        if (credentials != null) {
            for (var record : credentials.list()) {
                if (!creds.containsKey(record.provider())) {
                    DecryptedCredential d = credentials.decrypt(record.id());
                    creds.put(record.provider(), new Secret(d.secret()));
                }
            }
        }
        StoreDirectory next = StoreDirectory.of(revision, store.keys().listActiveKeys(), store.teams().list(), creds);
        current.set(next);
        onChange.accept(next);
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}

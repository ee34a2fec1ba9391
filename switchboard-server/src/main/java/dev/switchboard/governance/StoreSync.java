package dev.switchboard.governance;

import dev.switchboard.secret.Secret;
import dev.switchboard.store.Store;
import dev.switchboard.store.repository.CredentialRepository;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link StoreDirectory} current: polls the store's revision (one cheap query) on a worker thread and
 * reloads keys, teams and credentials when it moved. When the database is unreachable the last directory keeps
 * serving (every known key still works) and the poll retries; the outage and the recovery are logged once.
 * Keys and teams never depend on credentials: a credential that cannot be decrypted (for example after a master key
 * rotation on another replica) is handled by {@link CredentialSync} and never holds back a revocation.
 */
public final class StoreSync implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreSync.class);

    private final Vertx vertx;
    private final Store store;
    private final CredentialSync credentials;
    /** The credentials could not be read at the last load: read them again on the next tick. */
    private volatile boolean credentialsStale;
    private volatile boolean credentialsFailing;
    private final AtomicReference<StoreDirectory> current = new AtomicReference<>(StoreDirectory.EMPTY);
    private final Consumer<StoreDirectory> onChange;
    private volatile boolean failing;
    /** The check under way, if any, so timer ticks do not pile up on the worker pool while the database is down. */
    private final AtomicReference<Future<Void>> inFlight = new AtomicReference<>();
    private long timer = -1;

    /** @param credentials null when no master key is configured (store credentials are then not used) */
    public StoreSync(Vertx vertx, Store store, CredentialRepository credentials, Consumer<StoreDirectory> onChange) {
        this.vertx = vertx;
        this.store = store;
        this.credentials = credentials == null ? null : new CredentialSync(credentials);
        this.onChange = onChange;
    }

    /** After a master key rotation: credentials are decrypted with the new key from the next load on. */
    public void credentials(CredentialRepository rotated) {
        credentials.repository(rotated);
        credentialsStale = true; // the rotation's own reload may have run with the old key
    }

    /** What is wrong with credentials here (a master key other than the store's, rows that cannot be decrypted). */
    public CredentialSync.Alarm credentialAlarm() {
        return credentials == null ? CredentialSync.Alarm.CLEAR : credentials.alarm();
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
        timer = vertx.setPeriodic(interval.toMillis(), id -> tick());
    }

    /** Checks the revision now (on a worker), after any check under way; completes when any reload finished. */
    public Future<Void> poll() {
        Future<Void> running = inFlight.get();
        return running == null ? runCheck() : running.transform(ar -> runCheck());
    }

    /** A timer tick: skipped while a check is under way (during an outage each waits out the connection timeout). */
    private void tick() {
        if (inFlight.get() == null) {
            runCheck();
        }
    }

    private Future<Void> runCheck() {
        Promise<Void> done = Promise.promise();
        inFlight.set(done.future());
        try {
            vertx.<Void>executeBlocking(() -> {
                check();
                return null;
            }, false).onComplete(ar -> {
                inFlight.compareAndSet(done.future(), null);
                done.handle(ar);
            });
        } catch (RejectedExecutionException e) {
            // a tick racing the shutdown of Vert.x (the worker pool is gone): nothing left to refresh
            inFlight.compareAndSet(done.future(), null);
            done.tryFail(e);
        }
        return done.future();
    }

    private void check() {
        try {
            if (store.revision() != current.get().revision() || credentialsStale) {
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
    }

    private void load() {
        long revision = store.revision();
        var keys = store.keys().listActiveKeys();
        var teams = store.teams().list();
        Map<String, Secret> creds = current.get().credentials();
        if (credentials != null) {
            credentialsStale = false;
            try {
                creds = credentials.refresh();
                if (credentialsFailing) {
                    credentialsFailing = false;
                    LOG.info("store credentials readable again");
                }
            } catch (RuntimeException e) {
                // keys and teams still move on; the credentials are read again on the next tick
                credentialsStale = true;
                if (!credentialsFailing) {
                    credentialsFailing = true;
                    LOG.warn("cannot read the store's credentials, keeping the last ones: {}", e.getMessage());
                }
            }
        }
        StoreDirectory next = StoreDirectory.of(revision, keys, teams, creds);
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

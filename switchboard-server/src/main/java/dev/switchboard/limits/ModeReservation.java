package dev.switchboard.limits;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/**
 * A Redis reservation whose stream extensions obey the configured failure mode: when Redis cannot answer within
 * the call timeout (or the backstop, for an extension still waiting to be sent), fail-open lets the stream go on and
 * fail-closed stops it (a failed extension is never silently
 * treated as granted under fail_closed).
 */
final class ModeReservation implements Reservation {
    private final Reservation delegate;
    private final DegradingSettings settings;

    ModeReservation(Reservation delegate, DegradingSettings settings) {
        this.delegate = delegate;
        this.settings = settings;
    }

    @Override
    public void reconcile(long actualTokens, long actualMicroUsd) {
        delegate.reconcile(actualTokens, actualMicroUsd);
    }

    @Override
    public long grantedTokens() {
        return delegate.grantedTokens();
    }

    @Override
    public long grantedMicroUsd() {
        return delegate.grantedMicroUsd();
    }

    @Override
    public void release() {
        delegate.release();
    }

    @Override
    public Future<Boolean> extend(long moreTokens, long moreMicroUsd) {
        return delegate.extend(moreTokens, moreMicroUsd)
                .timeout(settings.backstop().toMillis(), TimeUnit.MILLISECONDS)
                .transform(ar -> Future.succeededFuture(ar.succeeded() ? ar.result() : settings.failOpen()));
    }
}

package dev.switchboard.server;

import dev.switchboard.server.engine.OutcomeRecorder;
import dev.switchboard.server.call.Exchange;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.governance.CallerAuth;

/**
 * Finds the caller of an exchange (config key, store key or JWT; expiry and network rules checked), then runs the
 * next step. Usually immediate; a JWT whose signing key must be fetched first continues when the key arrives.
 */
final class CallerStep {
    private final CallerAuth auth;
    private final OutcomeRecorder recorder;

    CallerStep(CallerAuth auth, OutcomeRecorder recorder) {
        this.auth = auth;
        this.recorder = recorder;
    }

    /**
     * @param onWait   runs when the answer comes later (e.g. pause a body still arriving), may be null
     * @param onResume runs when it has come, before {@code next}, may be null
     */
    void then(Exchange ex, Runnable onWait, Runnable onResume, Runnable next) {
        var found = auth.authenticate(ex.client(), ex.snapshot().keys());
        if (found.succeeded()) {
            ex.key(found.result());
            next.run();
            return;
        }
        if (found.failed()) {
            throw rejected(found.cause());
        }
        if (onWait != null) {
            onWait.run();
        }
        found.onComplete(ar -> {
            if (onResume != null) {
                onResume.run();
            }
            recorder.guarded(ex, () -> {
                if (ar.failed()) {
                    throw rejected(ar.cause());
                }
                ex.key(ar.result());
                next.run();
            });
        });
    }

    private static GatewayException rejected(Throwable cause) {
        return cause instanceof GatewayException g ? g : new GatewayException(ErrorKind.UNAUTHENTICATED, "Invalid API key.");
    }
}

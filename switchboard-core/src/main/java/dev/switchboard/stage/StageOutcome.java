package dev.switchboard.stage;

import dev.switchboard.usage.Usage;

/**
 * How a call ended, as its stages see it afterwards.
 *
 * @param status      the HTTP status the client got (499: it left)
 * @param errorType   the error's type ("" on success)
 * @param usage       the usage recorded (null when none)
 * @param answeredBy  the stage that answered or refused the call itself, or null when a provider did (or nobody)
 * @param answer      the whole canonical answer the client got when it was not streamed and succeeded (kept only when
 *                    a stage of the call reads answers), else null
 * @param servedBy    the target that answered, {@code provider/upstream-model}, or null when no provider did
 */
public record StageOutcome(int status, String errorType, Usage usage, String answeredBy, StageAnswer answer,
                           String servedBy) {
    public StageOutcome(int status, String errorType, Usage usage, String answeredBy, StageAnswer answer) {
        this(status, errorType, usage, answeredBy, answer, null);
    }

    public boolean succeeded() {
        return status / 100 == 2;
    }
}

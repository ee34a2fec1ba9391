package dev.switchboard.server;

import java.time.Duration;

/** Shortens the wait before a replaced config's stages close, for tests of what closing them frees. */
public final class RetirementMargin {
    private RetirementMargin() {}

    /** Sets the margin after the longest request; closing the result restores the default. */
    public static AutoCloseable set(Duration margin) {
        StageRetirement.margin(margin);
        return () -> StageRetirement.margin(StageRetirement.MARGIN);
    }
}

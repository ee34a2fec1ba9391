package dev.switchboard.limits;

import java.time.Duration;
import java.util.List;

/**
 * What one request asks of the limiter: its scopes, its token estimate (input estimate + max output)
 * and its worst-case cost in micro-USD. {@code maxWait} &gt; 0 lets {@link QueueingLimiter} wait for a
 * rate window to open instead of refusing.
 */
public record AdmissionRequest(List<Scope> scopes, long estimatedTokens, long worstCaseMicroUsd, Duration maxWait) {
    public AdmissionRequest {
        scopes = List.copyOf(scopes);
        if (estimatedTokens < 0 || worstCaseMicroUsd < 0) {
            throw new IllegalArgumentException("estimates must not be negative");
        }
        maxWait = maxWait == null || maxWait.isNegative() ? Duration.ZERO : maxWait;
    }

    public static AdmissionRequest of(List<Scope> scopes, long estimatedTokens, long worstCaseMicroUsd) {
        return new AdmissionRequest(scopes, estimatedTokens, worstCaseMicroUsd, Duration.ZERO);
    }

    public AdmissionRequest withMaxWait(Duration wait) {
        return new AdmissionRequest(scopes, estimatedTokens, worstCaseMicroUsd, wait);
    }
}

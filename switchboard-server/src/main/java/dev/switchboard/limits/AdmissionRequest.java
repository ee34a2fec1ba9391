package dev.switchboard.limits;

import java.time.Duration;
import java.util.List;

/**
 * What one request asks of the limiter: its scopes, the tokens and micro-USD it would like reserved (input plus an
 * expected output), and the part of each that must fit (its input: {@code requiredTokens}, {@code requiredMicroUsd}).
 * A counter with less room than wanted but enough for the required part grants what is left; one without room for
 * the required part refuses. {@code maxWait} &gt; 0 lets {@link QueueingLimiter} wait for room instead of refusing.
 */
public record AdmissionRequest(List<Scope> scopes, long estimatedTokens, long requiredTokens, long worstCaseMicroUsd,
                               long requiredMicroUsd, Duration maxWait) {
    public AdmissionRequest {
        scopes = List.copyOf(scopes);
        if (estimatedTokens < 0 || worstCaseMicroUsd < 0 || requiredTokens < 0 || requiredMicroUsd < 0) {
            throw new IllegalArgumentException("estimates must not be negative");
        }
        requiredTokens = Math.min(requiredTokens, estimatedTokens);
        requiredMicroUsd = Math.min(requiredMicroUsd, worstCaseMicroUsd);
        maxWait = maxWait == null || maxWait.isNegative() ? Duration.ZERO : maxWait;
    }

    /** A request that must fit whole: everything it asks for is required. */
    public static AdmissionRequest of(List<Scope> scopes, long estimatedTokens, long worstCaseMicroUsd) {
        return new AdmissionRequest(scopes, estimatedTokens, estimatedTokens, worstCaseMicroUsd, worstCaseMicroUsd,
                Duration.ZERO);
    }

    /** A request that wants {@code tokens} and {@code microUsd} but needs only the required parts to fit. */
    public static AdmissionRequest of(List<Scope> scopes, long tokens, long requiredTokens, long microUsd,
                                      long requiredMicroUsd) {
        return new AdmissionRequest(scopes, tokens, requiredTokens, microUsd, requiredMicroUsd, Duration.ZERO);
    }

    public AdmissionRequest withMaxWait(Duration wait) {
        return new AdmissionRequest(scopes, estimatedTokens, requiredTokens, worstCaseMicroUsd, requiredMicroUsd, wait);
    }
}

package dev.switchboard.limits;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A limiter's answer. When admitted it carries the {@link Reservation} to settle later; either way it
 * carries the tightest request and token windows for the OpenAI-style {@code x-ratelimit-*} headers.
 */
public final class Admission {
    private final Refusal refusal;
    private final Reservation reservation;
    private final WindowState requests;
    private final WindowState tokens;

    private Admission(Refusal refusal, Reservation reservation, WindowState requests, WindowState tokens) {
        this.refusal = refusal;
        this.reservation = reservation;
        this.requests = requests;
        this.tokens = tokens;
    }

    public static Admission admitted(Reservation reservation, WindowState requests, WindowState tokens) {
        return new Admission(null, reservation, requests, tokens);
    }

    public static Admission refused(Refusal refusal, WindowState requests, WindowState tokens) {
        return new Admission(refusal, Reservation.NONE, requests, tokens);
    }

    public boolean admitted() {
        return refusal == null;
    }

    public Optional<Refusal> refusal() {
        return Optional.ofNullable(refusal);
    }

    /** Seconds for Retry-After on a retryable refusal, else 0. */
    public long retryAfterSeconds() {
        return refusal == null ? 0 : refusal.retryAfterSeconds();
    }

    /** The handle to settle; {@link Reservation#NONE} when refused. */
    public Reservation reservation() {
        return reservation;
    }

    /** Tightest requests-per-minute window over the scopes, if any scope has one. */
    public Optional<WindowState> requests() {
        return Optional.ofNullable(requests);
    }

    /** Tightest token window (per minute or per day) over the scopes, if any scope has one. */
    public Optional<WindowState> tokens() {
        return Optional.ofNullable(tokens);
    }

    /** {@code x-ratelimit-*} headers (and {@code retry-after} on a retryable refusal), lowercase names. */
    public Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        if (requests != null) {
            put(h, "requests", requests);
        }
        if (tokens != null) {
            put(h, "tokens", tokens);
        }
        if (refusal != null && refusal.retryable()) {
            h.put("retry-after", Long.toString(refusal.retryAfterSeconds()));
        }
        return h;
    }

    private static void put(Map<String, String> h, String what, WindowState w) {
        h.put("x-ratelimit-limit-" + what, Long.toString(w.limit()));
        h.put("x-ratelimit-remaining-" + what, Long.toString(w.remaining()));
        h.put("x-ratelimit-reset-" + what, ResetFormat.of(w.resetMillis()));
    }

    @Override
    public String toString() {
        return admitted() ? "Admission[admitted]" : "Admission[refused " + refusal + "]";
    }
}

package dev.switchboard.server.admission;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A running estimate of each target model's real output per choice, learned from the settled usage of whole answers to
 * counted requests, for sizing what admission reserves: the mean plus two mean absolute deviations (so most answers
 * fit their reservation), both
 * moving averages (the plain average over the first {@value #WARM_UP} answers, then weight {@value #ALPHA} on the
 * newest). Bounded: at most {@value #MAX_MODELS} targets get their own; any more share one estimate. Reads are one
 * map lookup and a volatile read; an observation locks only its target's estimate.
 */
public final class OutputEstimates {
    static final int MAX_MODELS = 1024;
    /** The least a learned estimate reserves: a few tokens of slack cost nothing once settled. */
    static final long FLOOR = 16;
    static final double ALPHA = 0.1;
    static final int WARM_UP = 10;

    private final ConcurrentHashMap<String, Estimate> byTarget = new ConcurrentHashMap<>();
    private final Estimate others = new Estimate();

    /**
     * The output to expect per choice from {@code target}: {@code prior} until an answer of it was seen, then the
     * learned estimate, within [{@link #FLOOR}, {@code cap}] ({@code cap}: the model's output cap, default_max_tokens).
     */
    public long expected(String target, long prior, long cap) {
        Estimate e = byTarget.get(target);
        if (e == null && byTarget.size() >= MAX_MODELS) {
            e = others;
        }
        double learned = e == null ? Double.NaN : e.value;
        if (Double.isNaN(learned)) {
            return Math.max(0, Math.min(prior, cap));
        }
        return Math.max(Math.min(FLOOR, cap), Math.min(cap, (long) Math.ceil(learned)));
    }

    /** One settled answer's output tokens per choice. */
    public void observe(String target, long tokensPerChoice) {
        if (tokensPerChoice < 0) {
            return;
        }
        Estimate e = byTarget.get(target);
        if (e == null) {
            e = byTarget.size() >= MAX_MODELS ? others : byTarget.computeIfAbsent(target, t -> new Estimate());
        }
        e.add(tokensPerChoice);
    }

    /** Targets with an estimate of their own (tests). */
    int size() {
        return byTarget.size();
    }

    private static final class Estimate {
        private long count;
        private double mean;
        private double deviation;
        /** mean + 2 deviations; NaN until the first observation. */
        volatile double value = Double.NaN;

        synchronized void add(long tokens) {
            count++;
            if (count == 1) {
                mean = tokens;
                deviation = tokens / 2.0; // one answer says little about the next: start wide
            } else {
                double weight = Math.max(1.0 / count, ALPHA);
                double off = Math.abs(tokens - mean);
                mean += weight * (tokens - mean);
                deviation += weight * (off - deviation);
            }
            value = mean + 2 * deviation;
        }
    }
}

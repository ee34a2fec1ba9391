package dev.switchboard.limits;

/**
 * A store's answer to a list of checks: {@code refusedIndex} -1 when all were charged (values after the charge,
 * {@code granted} what each took), else the first refusing check (values as they stood, nothing charged) and, for a
 * sliding window, when it will have room ({@code freesAtMillis}, -1 otherwise).
 */
record CheckOutcome(int refusedIndex, long[] values, long[] granted, long freesAtMillis) {
    boolean admitted() {
        return refusedIndex < 0;
    }
}

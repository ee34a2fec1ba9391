package dev.switchboard.limits;

/**
 * A store's answer to a list of checks: {@code refusedIndex} -1 when all were incremented (values after
 * the increment), else the first refusing check (values as they stood, nothing incremented).
 */
record CheckOutcome(int refusedIndex, long[] values) {
    boolean admitted() {
        return refusedIndex < 0;
    }
}

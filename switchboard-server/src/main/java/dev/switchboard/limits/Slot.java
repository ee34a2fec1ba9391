package dev.switchboard.limits;

/**
 * Where an amount was added: a counter's key and, for a sliding window, the bucket ({@code bucket} &lt; 0: a fixed
 * window, which is one slot). Refunds and extra charges go to slots, so a refund lowers the bucket that was charged.
 */
record Slot(String key, long bucket) {
}

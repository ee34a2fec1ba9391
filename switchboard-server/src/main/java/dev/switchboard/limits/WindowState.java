package dev.switchboard.limits;

/** A limit, what is left of it after this request, and milliseconds until its window resets. */
public record WindowState(long limit, long remaining, long resetMillis) {
}

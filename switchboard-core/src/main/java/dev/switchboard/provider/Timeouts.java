package dev.switchboard.provider;

import java.time.Duration;

/**
 * Upstream timeouts: TCP connect, time to the response headers (first byte), idle gap between
 * body chunks, and the whole exchange.
 */
public record Timeouts(Duration connect, Duration firstByte, Duration idle, Duration total) {
    public static final Timeouts DEFAULTS = new Timeouts(
            Duration.ofSeconds(10), Duration.ofSeconds(120), Duration.ofSeconds(60), Duration.ofMinutes(10));
}

package dev.switchboard.config;

import java.time.Duration;

/**
 * Shared counters for limits and budgets. When Redis cannot be reached within {@code timeout}, counting falls
 * back to this process ({@code failOpen}) or refuses requests until it returns.
 */
public record RedisConfig(String url, String prefix, Duration timeout, boolean failOpen) {}

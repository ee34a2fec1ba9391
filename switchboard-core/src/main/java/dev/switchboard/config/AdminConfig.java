package dev.switchboard.config;

import java.util.List;

/** The admin API: its own listener, and admin keys (held as SHA-256 digests, never client keys). */
public record AdminConfig(String host, int port, List<KeyConfig> keys) {}

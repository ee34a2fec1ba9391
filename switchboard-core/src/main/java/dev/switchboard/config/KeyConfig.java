package dev.switchboard.config;

import java.util.List;

/**
 * A client key from the config file, held only as its SHA-256 hex digest.
 * {@code models} lists allowed public model names or patterns ({@code openai/*}); empty means all.
 */
public record KeyConfig(String name, String sha256, List<String> models) {}

/** The YAML config: records, loading with {@code ${env:NAME}} secrets, and strict validation that names paths. */
package dev.switchboard.config;

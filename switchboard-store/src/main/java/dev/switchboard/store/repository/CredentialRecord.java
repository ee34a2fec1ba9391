package dev.switchboard.store.repository;

import java.time.Instant;

/** An upstream credential's metadata; the secret itself is only available through decryption. */
public record CredentialRecord(String id, String provider, String label, String keyFingerprint, Instant createdAt) {}

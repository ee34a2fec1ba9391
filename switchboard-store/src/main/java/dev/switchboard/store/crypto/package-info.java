/** Upstream credentials at rest: the master key, AES-256-GCM bound to the row, and why decryption failed. */
package dev.switchboard.store.crypto;

package dev.switchboard.access;

import dev.switchboard.config.KeyConfig;
import dev.switchboard.config.KeyDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Looks up client keys by their SHA-256 digest, so the plaintext is never held. Immutable, thread-safe.
 */
public final class KeyIndex {
    private final Map<String, ClientKey> byDigest = new HashMap<>();

    public KeyIndex(List<KeyConfig> keys) {
        for (KeyConfig k : keys) {
            byDigest.put(k.sha256(), new ClientKey(k.name(), new ModelPolicy(k.models())));
        }
    }

    /** The key's owner, or null when the presented key is unknown. */
    public ClientKey find(String presentedKey) {
        return byDigest.get(KeyDigest.sha256Hex(presentedKey));
    }

    public boolean isEmpty() {
        return byDigest.isEmpty();
    }
}

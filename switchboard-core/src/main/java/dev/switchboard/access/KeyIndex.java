package dev.switchboard.access;

import dev.switchboard.config.KeyConfig;
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
            byDigest.put(k.sha256(), new ClientKey("cfg:" + k.name(), k.name(), k.team(), k.metadata(),
                    new ModelPolicy(k.models()), new Quota(k.limits(), k.budget(), k.ip()), ModelPolicy.ALL, Quota.NONE, null));
        }
    }

    /** The key's owner, or null when the presented key is unknown. */
    public ClientKey find(String presentedKey) {
        return findDigest(dev.switchboard.config.KeyDigest.sha256Hex(presentedKey));
    }

    public ClientKey findDigest(String sha256Hex) {
        return byDigest.get(sha256Hex);
    }

    public boolean isEmpty() {
        return byDigest.isEmpty();
    }
}

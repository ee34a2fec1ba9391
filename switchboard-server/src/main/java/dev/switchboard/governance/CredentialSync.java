package dev.switchboard.governance;

import dev.switchboard.secret.Secret;
import dev.switchboard.store.repository.CredentialRead;
import dev.switchboard.store.repository.CredentialRepository;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the store's upstream credentials row by row for {@link StoreSync}. A row this server cannot decrypt (another
 * master key, a tampered row) is skipped with an ERROR, logged once per row and fingerprint; the last good copy of
 * that row, if any, keeps serving. When the store names another master key in force (rotated on another replica)
 * that is logged at ERROR once and reported through {@link #alarm()} until the key matches again.
 * Called from one worker at a time (the store poll).
 */
public final class CredentialSync {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialSync.class);

    /** What is wrong with the credentials on this replica (all clear: null and 0). */
    public record Alarm(String masterKeyInForce, String masterKey, int undecryptable) {
        public static final Alarm CLEAR = new Alarm(null, null, 0);

        public boolean mismatch() {
            return masterKeyInForce != null;
        }
    }

    private volatile CredentialRepository repository;
    private volatile Alarm alarm = Alarm.CLEAR;
    private Map<String, Secret> lastGoodById = Map.of();
    private final Set<String> reported = new HashSet<>();
    private String reportedMismatch;

    CredentialSync(CredentialRepository repository) {
        this.repository = repository;
    }

    void repository(CredentialRepository rotated) {
        this.repository = rotated;
    }

    Alarm alarm() {
        return alarm;
    }

    /**
     * The credential to use per provider: its oldest row this server can read (or read before).
     *
     * @throws RuntimeException when the store cannot be read; nothing changes then
     */
    Map<String, Secret> refresh() {
        CredentialRepository repo = repository;
        String mine = repo.masterKeyFingerprint();
        var rows = repo.readEach();
        String inForce = repo.masterKeyInForce();
        Map<String, Secret> byId = new HashMap<>();
        Map<String, Secret> byProvider = new HashMap<>();
        int failed = 0;
        for (CredentialRead row : rows) {
            String id = row.meta().id();
            Secret secret;
            if (row.failure() == null) {
                secret = new Secret(row.plaintext());
            } else {
                failed++;
                secret = lastGoodById.get(id);
                if (reported.add(id + "@" + row.meta().keyFingerprint())) {
                    LOG.error("credential {} (provider {}) cannot be decrypted with this server's master key {}: {}; {}",
                            id, row.meta().provider(), mine, row.failure(), secret == null
                                    ? "it is not used here" : "the last copy read before keeps serving");
                }
            }
            if (secret != null) {
                byId.put(id, secret);
                byProvider.putIfAbsent(row.meta().provider(), secret);
            }
        }
        lastGoodById = byId;
        boolean mismatch = inForce != null && !inForce.equals(mine);
        if (mismatch && !inForce.equals(reportedMismatch)) {
            LOG.error("the store's credentials are under master key {} but this server has master key {}: it was "
                    + "rotated elsewhere. Keys, teams and revocations keep syncing; credentials stay at their last "
                    + "good copy and cannot be added here until this server runs with the new key", inForce, mine);
        } else if (!mismatch && reportedMismatch != null) {
            LOG.info("this server's master key {} is the one in force again", mine);
        }
        reportedMismatch = mismatch ? inForce : null;
        alarm = failed == 0 && !mismatch ? Alarm.CLEAR : new Alarm(mismatch ? inForce : null, mine, failed);
        return Map.copyOf(byProvider);
    }
}

package dev.switchboard.store;

import java.util.List;

/** Upstream provider credentials, encrypted at rest under the master key this repository was opened with. */
public interface CredentialRepository {
    CredentialRecord put(String actor, String provider, String label, String plaintext);

    /** Metadata only. */
    List<CredentialRecord> list();

    /** @throws CredentialDecryptionException when encrypted under another master key or tampered with */
    DecryptedCredential decrypt(String id);

    List<DecryptedCredential> decryptAllForProvider(String provider);

    void delete(String actor, String id);

    /**
     * Re-encrypts every credential from {@code oldKey} to {@code newKey} in one transaction (all or nothing).
     * Afterwards open a repository with {@code newKey}.
     *
     * @return how many credentials were re-encrypted
     */
    int rotate(String actor, MasterKey oldKey, MasterKey newKey);
}

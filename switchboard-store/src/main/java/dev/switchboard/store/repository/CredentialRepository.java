package dev.switchboard.store.repository;

import dev.switchboard.store.crypto.CredentialDecryptionException;
import dev.switchboard.store.crypto.MasterKey;
import dev.switchboard.store.crypto.MasterKeyMismatchException;
import java.util.List;

/** Upstream provider credentials, encrypted at rest under the master key this repository was opened with. */
public interface CredentialRepository {
    /** @throws MasterKeyMismatchException when the store's credentials are under another master key */
    CredentialRecord put(String actor, String provider, String label, String plaintext);

    /** The fingerprint of the master key this repository decrypts and encrypts with. */
    String masterKeyFingerprint();

    /** Metadata only. */
    List<CredentialRecord> list();

    /** @throws CredentialDecryptionException when encrypted under another master key or tampered with */
    DecryptedCredential decrypt(String id);

    List<DecryptedCredential> decryptAllForProvider(String provider);

    /**
     * Every credential, each decrypted on its own (ordered by provider, then oldest first): a row that cannot be
     * decrypted carries its failure instead of failing the others.
     */
    List<CredentialRead> readEach();

    /** The fingerprint of the master key the store's credentials are encrypted under; null before the first one. */
    String masterKeyInForce();

    void delete(String actor, String id);

    /**
     * Re-encrypts every credential from {@code oldKey} to {@code newKey} in one transaction (all or nothing).
     * Afterwards open a repository with {@code newKey}. Locks the rows it rewrites (and the master-key row) so a
     * concurrent put from another replica waits and is then refused rather than written under the old key.
     *
     * @throws MasterKeyMismatchException when {@code oldKey} is not the key in force (rotated elsewhere)
     *
     * @return how many credentials were re-encrypted
     */
    int rotate(String actor, MasterKey oldKey, MasterKey newKey);
}

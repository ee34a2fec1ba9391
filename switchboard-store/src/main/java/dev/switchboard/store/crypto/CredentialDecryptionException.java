package dev.switchboard.store.crypto;

import dev.switchboard.store.failure.StoreException;

/** A credential cannot be decrypted: another master key encrypted it, or its row was altered. */
public class CredentialDecryptionException extends StoreException {
    public CredentialDecryptionException(String message) {
        super(message);
    }
}

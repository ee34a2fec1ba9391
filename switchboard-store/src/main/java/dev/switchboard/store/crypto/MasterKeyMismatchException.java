package dev.switchboard.store.crypto;

/** A credential write was refused: the store's credentials are encrypted under another master key than this one. */
public class MasterKeyMismatchException extends CredentialDecryptionException {
    public MasterKeyMismatchException(String message) {
        super(message);
    }
}

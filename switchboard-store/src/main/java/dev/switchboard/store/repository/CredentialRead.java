package dev.switchboard.store.repository;

/**
 * One credential row as read under this server's master key: the plaintext, or why it could not be decrypted.
 *
 * @param plaintext null when {@code failure} is set
 * @param failure null when decrypted; never contains secret material
 */
public record CredentialRead(CredentialRecord meta, String plaintext, String failure) {
    @Override
    public String toString() {
        return "CredentialRead[" + meta + (failure == null ? "" : ", failure=" + failure) + "]";
    }
}

package dev.switchboard.store.repository;

/** A decrypted upstream credential for the gateway's use; toString hides the secret. */
public record DecryptedCredential(CredentialRecord record, String secret) {
    @Override
    public String toString() {
        return "DecryptedCredential[record=" + record + ", secret=***]";
    }
}

package dev.switchboard.store.crypto;

import dev.switchboard.store.failure.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM with a fresh 96-bit nonce per value. The associated data binds a ciphertext to its row (id and
 * provider), so copying it into another row makes decryption fail.
 */
public final class CredentialCipher {
    static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    public record Sealed(byte[] ciphertext, byte[] nonce) {}

    private CredentialCipher() {}

    public static Sealed encrypt(MasterKey key, String id, String provider, String plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(id, provider));
            return new Sealed(cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8)), nonce);
        } catch (GeneralSecurityException e) {
            throw new StoreException("cannot encrypt credential " + id + ": " + e.getClass().getSimpleName());
        }
    }

    public static String decrypt(MasterKey key, String id, String provider, byte[] ciphertext, byte[] nonce) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(id, provider));
            return new String(cipher.doFinal(ciphertext), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new CredentialDecryptionException("cannot decrypt credential " + id
                    + ": wrong master key or tampered row (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static byte[] associatedData(String id, String provider) {
        return ("switchboard-credential:" + id + ":" + provider).getBytes(StandardCharsets.UTF_8);
    }
}

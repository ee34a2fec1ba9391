package dev.switchboard.server.auth;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Reads a PEM public key ({@code BEGIN PUBLIC KEY}, RSA or EC) or certificate into a JCA public key. */
final class PemKeys {
    private PemKeys() {
    }

    static PublicKey parsePublicKey(String pem) {
        String text = pem.strip();
        if (text.contains("BEGIN CERTIFICATE")) {
            return certificateKey(body(text, "CERTIFICATE"));
        }
        if (!text.contains("BEGIN PUBLIC KEY")) {
            throw new IllegalArgumentException("jwt: publicKeyPem must be a 'PUBLIC KEY' or 'CERTIFICATE' PEM block");
        }
        X509EncodedKeySpec spec = new X509EncodedKeySpec(body(text, "PUBLIC KEY"));
        for (String type : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(type).generatePublic(spec);
            } catch (GeneralSecurityException ignored) {
                // Not this key type; try the next.
            }
        }
        throw new IllegalArgumentException("jwt: publicKeyPem is neither an RSA nor an EC public key");
    }

    private static byte[] body(String text, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("jwt: publicKeyPem has no complete " + label + " block");
        }
        String base64 = text.substring(from + begin.length(), to).replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("jwt: publicKeyPem is not valid base64", e);
        }
    }

    private static PublicKey certificateKey(byte[] der) {
        try {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("jwt: publicKeyPem certificate cannot be read", e);
        }
    }
}

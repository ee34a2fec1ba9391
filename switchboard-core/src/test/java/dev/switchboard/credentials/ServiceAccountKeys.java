package dev.switchboard.credentials;

import dev.switchboard.json.Json;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

/** A throwaway service-account key, as the JSON Google's IAM console downloads. */
public final class ServiceAccountKeys {
    public static final KeyPair KEYS = keys();

    private ServiceAccountKeys() {}

    private static KeyPair keys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key's JSON, project {@code my-proj}, exchanged at {@code tokenUri}. */
    public static String json(String tokenUri) {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(KEYS.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        return Json.MAPPER.createObjectNode().put("type", "service_account").put("project_id", "my-proj")
                .put("private_key_id", "kid-1").put("private_key", pem).put("client_email", "sb@my-proj.iam.gserviceaccount.com")
                .put("token_uri", tokenUri).toString();
    }
}

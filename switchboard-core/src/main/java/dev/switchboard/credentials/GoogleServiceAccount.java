package dev.switchboard.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Google service-account key (the JSON downloaded from IAM) as an OAuth2 JWT-bearer grant for Vertex AI: the
 * assertion is an RS256 JWT {@code {"iss":client_email,"scope":cloud-platform,"aud":token_uri,"iat","exp":iat+3600}}
 * signed with the account's private key (JDK {@code SHA256withRSA}). The provider's {@code api_key} is either the
 * JSON itself (typically {@code ${env:VERTEX_SERVICE_ACCOUNT}} holding the file's content) or, when it does not
 * start with <code>{</code>, the path of the JSON file. Parsed once per distinct key and cached (a path is read
 * on first use). Thread-safe.
 */
public record GoogleServiceAccount(String clientEmail, PrivateKey privateKey, String privateKeyId, String tokenUri,
                                   String projectId) implements TokenGrant {
    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    private static final long LIFETIME_SECONDS = 3600;
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Map<String, GoogleServiceAccount> PARSED = new ConcurrentHashMap<>();

    /** The service account an api_key value denotes (the JSON, or a path to it). */
    public static GoogleServiceAccount of(String apiKey) {
        return PARSED.computeIfAbsent(apiKey, GoogleServiceAccount::load);
    }

    private static GoogleServiceAccount load(String apiKey) {
        String json = apiKey.strip();
        if (!json.startsWith("{")) {
            try {
                json = Files.readString(Path.of(json), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                throw invalid("its api_key is neither service-account JSON nor a readable file (" + e.getClass().getSimpleName() + ")");
            }
        }
        return parse(json);
    }

    static GoogleServiceAccount parse(String json) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw invalid("its service-account key is not valid JSON");
        }
        String email = text(n, "client_email");
        String pem = text(n, "private_key");
        String tokenUri = n.path("token_uri").asText("https://oauth2.googleapis.com/token");
        String der = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        try {
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(der)));
            return new GoogleServiceAccount(email, key, n.path("private_key_id").asText(null), tokenUri,
                    n.path("project_id").asText(null));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw invalid("its service-account private_key is not a PKCS#8 RSA key");
        }
    }

    private static String text(JsonNode n, String field) {
        if (!n.path(field).isTextual()) {
            throw invalid("its service-account key has no '" + field + "'");
        }
        return n.get(field).asText();
    }

    private static GatewayException invalid(String why) {
        // Configuration, not the caller's fault: reported as an internal error without the secret.
        return new GatewayException(ErrorKind.INTERNAL, "The Vertex AI provider is misconfigured: " + why + ".");
    }

    @Override
    public String assertion(long now) {
        StringBuilder header = new StringBuilder("{\"alg\":\"RS256\",\"typ\":\"JWT\"");
        if (privateKeyId != null) {
            header.append(",\"kid\":").append(quote(privateKeyId));
        }
        header.append('}');
        String claims = "{\"iss\":" + quote(clientEmail) + ",\"scope\":" + quote(SCOPE) + ",\"aud\":" + quote(tokenUri)
                + ",\"iat\":" + now + ",\"exp\":" + (now + LIFETIME_SECONDS) + "}";
        String signingInput = b64(header.toString()) + "." + b64(claims);
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(privateKey);
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64URL.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String cacheKey() {
        return clientEmail + "|" + privateKeyId + "|" + tokenUri;
    }

    /** The base URL with {@code {project}} replaced by the account's project. */
    public String expand(String baseUrl) {
        if (!baseUrl.contains("{project}")) {
            return baseUrl;
        }
        if (projectId == null) {
            throw invalid("its base_url has {project} but the service-account key has no project_id");
        }
        return baseUrl.replace("{project}", projectId);
    }

    @Override
    public String toString() {
        return "GoogleServiceAccount[" + clientEmail + "]"; // never the key
    }

    private static String b64(String s) {
        return B64URL.encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String quote(String s) {
        try {
            return Json.MAPPER.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

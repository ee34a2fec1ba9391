package dev.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Google's OAuth2 token endpoint for service accounts, as the fake Gemini API serves it: checks the JWT-bearer
 * assertion (RS256 signature with the trusted key, iss, aud, scope, lifetime) and issues {@code ya29.fake-N}.
 */
final class FakeGoogleTokenIssuer {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Supplier<String> tokenUri;
    private final List<String> rejections;
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private volatile java.security.PublicKey servicePublicKey;
    private volatile String serviceEmail;
    private volatile String issuedToken;

    FakeGoogleTokenIssuer(Supplier<String> tokenUri, List<String> rejections) {
        this.tokenUri = tokenUri;
        this.rejections = rejections;
    }

    void trust(String clientEmail, java.security.PublicKey key) {
        serviceEmail = clientEmail;
        servicePublicKey = key;
    }

    int issued() {
        return tokensIssued.get();
    }

    /** The last token issued (null before the first). */
    String current() {
        return issuedToken;
    }


    void handle(HttpServerRequest req, Buffer body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.toString().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(java.net.URLDecoder.decode(pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        String problem = tokenProblem(req, form);
        if (problem != null) {
            rejections.add("token: " + problem);
            req.response().setStatusCode(400).putHeader("content-type", "application/json")
                    .end("{\"error\":\"invalid_grant\",\"error_description\":\"" + problem.replace("\"", "'") + "\"}");
            return;
        }
        issuedToken = "ya29.fake-" + tokensIssued.incrementAndGet();
        req.response().putHeader("content-type", "application/json")
                .end("{\"access_token\":\"" + issuedToken + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}");
    }

    private String tokenProblem(HttpServerRequest req, Map<String, String> form) {
        if (!"application/x-www-form-urlencoded".equals(req.getHeader("content-type"))) {
            return "content-type must be application/x-www-form-urlencoded";
        }
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
            return "bad grant_type " + form.get("grant_type");
        }
        String[] jwt = form.getOrDefault("assertion", "").split("\\.");
        if (jwt.length != 3 || servicePublicKey == null) {
            return "no JWT assertion (or no trusted service account)";
        }
        try {
            java.util.Base64.Decoder d = java.util.Base64.getUrlDecoder();
            JsonNode header = MAPPER.readTree(d.decode(jwt[0]));
            JsonNode claims = MAPPER.readTree(d.decode(jwt[1]));
            java.security.Signature rsa = java.security.Signature.getInstance("SHA256withRSA");
            rsa.initVerify(servicePublicKey);
            rsa.update((jwt[0] + "." + jwt[1]).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            long now = System.currentTimeMillis() / 1000;
            if (!"RS256".equals(header.path("alg").asText()) || !rsa.verify(d.decode(jwt[2]))) {
                return "Invalid JWT Signature.";
            }
            if (!serviceEmail.equals(claims.path("iss").asText()) || !tokenUri.get().equals(claims.path("aud").asText())
                    || !claims.path("scope").asText().contains("https://www.googleapis.com/auth/cloud-platform")) {
                return "bad iss/aud/scope " + claims;
            }
            long iat = claims.path("iat").asLong();
            long exp = claims.path("exp").asLong();
            if (Math.abs(iat - now) > 300 || exp <= iat || exp - iat > 3600) {
                return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe";
            }
            return null;
        } catch (Exception e) {
            return "malformed JWT: " + e;
        }
    }

}

package dev.switchboard.testing;

import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Recomputes an AWS SigV4 signature with code independent of the gateway's signer, so the fake Bedrock API can
 * refuse a request the real one would refuse.
 */
final class SigV4Check {
    private static final Pattern AUTH = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");

    private SigV4Check() {}


    static String verifySignature(HttpServerRequest req, byte[] body) {
        String auth = req.getHeader("authorization");
        Matcher m = auth == null ? null : AUTH.matcher(auth);
        if (m == null || !m.matches()) {
            return "missing or malformed SigV4 Authorization: " + auth;
        }
        if (!FakeBedrockUpstream.ACCESS_KEY.equals(m.group(1)) || !FakeBedrockUpstream.REGION.equals(m.group(3)) || !"bedrock".equals(m.group(4))) {
            return "wrong credential scope: " + m.group(1) + "/" + m.group(3) + "/" + m.group(4);
        }
        String amzDate = req.getHeader("x-amz-date");
        if (amzDate == null || !amzDate.startsWith(m.group(2))) {
            return "x-amz-date missing or not the credential's date";
        }
        String bodyHash = hex(sha256(body));
        if (!bodyHash.equals(req.getHeader("x-amz-content-sha256"))) {
            return "x-amz-content-sha256 does not match the body";
        }
        List<String> signed = List.of(m.group(5).split(";"));
        if (!signed.contains("host") || !signed.contains("x-amz-date") || !signed.contains("content-type")) {
            return "host, x-amz-date and content-type must be signed";
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String h : signed) {
            String v = h.equals("host") && req.getHeader("host") == null ? String.valueOf(req.authority()) : req.getHeader(h);
            if (v == null) {
                return "signed header " + h + " is missing";
            }
            canonicalHeaders.append(h).append(':').append(v.trim()).append('\n');
        }
        StringBuilder uri = new StringBuilder();
        for (char c : req.path().toCharArray()) {
            uri.append(c == '%' ? "%25" : String.valueOf(c)); // the path as sent, encoded once more
        }
        String canonical = "POST\n" + uri + "\n" + (req.query() == null ? "" : req.query()) + "\n" + canonicalHeaders + "\n"
                + m.group(5) + "\n" + bodyHash;
        String scope = m.group(2) + "/" + FakeBedrockUpstream.REGION + "/bedrock/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] key = ("AWS4" + FakeBedrockUpstream.SECRET_KEY).getBytes(StandardCharsets.UTF_8);
        for (String part : new String[] {m.group(2), FakeBedrockUpstream.REGION, "bedrock", "aws4_request"}) {
            key = hmac(key, part);
        }
        String expected = hex(hmac(key, toSign));
        return expected.equals(m.group(6)) ? null
                : "The request signature we calculated does not match the signature you provided.";
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }

}

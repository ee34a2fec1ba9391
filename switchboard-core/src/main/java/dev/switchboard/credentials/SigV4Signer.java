package dev.switchboard.credentials;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 with the JDK's own crypto: canonical request → string to sign → HMAC chain
 * (date, region, service, aws4_request) → {@code Authorization}. Signs every header it is given plus {@code host}
 * and {@code x-amz-date}; the path is URI-encoded once more for the canonical request (all services but S3).
 * Pure and thread-safe.
 */
public final class SigV4Signer {
    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    private SigV4Signer() {}

    /** The signed headers to send: the given ones plus x-amz-date, x-amz-content-sha256, the session token and Authorization. */
    public static Map<String, String> sign(String method, String url, Map<String, String> headers, byte[] body,
                                           AwsCredentials c, String service, Instant now) {
        Map<String, String> out = new LinkedHashMap<>(headers);
        out.put("x-amz-date", AMZ_DATE.format(now));
        out.put("x-amz-content-sha256", hex(sha256(body)));
        if (c.sessionToken() != null) {
            out.put("x-amz-security-token", c.sessionToken());
        }
        out.put("Authorization", authorization(method, url, out, body, c.accessKeyId(), c.secretAccessKey(),
                c.region(), service));
        return out;
    }

    /** The Authorization header for a request whose headers already hold x-amz-date. */
    static String authorization(String method, String url, Map<String, String> headers, byte[] body,
                                String accessKey, String secret, String region, String service) {
        URI uri = URI.create(url);
        TreeMap<String, String> canon = new TreeMap<>();
        canon.put("host", host(uri));
        headers.forEach((k, v) -> {
            String name = k.toLowerCase(Locale.ROOT);
            if (!name.equals("authorization") && !name.equals("user-agent")) {
                canon.put(name, v.trim().replaceAll("\\s+", " "));
            }
        });
        String amzDate = canon.get("x-amz-date");
        String date = amzDate.substring(0, 8);
        String signedHeaders = String.join(";", canon.keySet());
        StringBuilder ch = new StringBuilder();
        canon.forEach((k, v) -> ch.append(k).append(':').append(v).append('\n'));
        String canonicalRequest = method + "\n" + canonicalUri(uri) + "\n" + canonicalQuery(uri) + "\n" + ch + "\n"
                + signedHeaders + "\n" + hex(sha256(body));
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] key = signingKey(secret, date, region, service);
        String signature = hex(hmac(key, stringToSign));
        return ALGORITHM + " Credential=" + accessKey + "/" + scope + ", SignedHeaders=" + signedHeaders
                + ", Signature=" + signature;
    }

    static byte[] signingKey(String secret, String date, String region, String service) {
        byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        k = hmac(k, region);
        k = hmac(k, service);
        return hmac(k, "aws4_request");
    }

    static String host(URI uri) {
        int port = uri.getPort();
        boolean standard = port == -1 || ("https".equals(uri.getScheme()) && port == 443)
                || ("http".equals(uri.getScheme()) && port == 80);
        return uri.getHost() + (standard ? "" : ":" + port);
    }

    /** The raw (already once-encoded) path, encoded again. */
    static String canonicalUri(URI uri) {
        String path = uri.getRawPath();
        return path == null || path.isEmpty() ? "/" : encode(path, false);
    }

    static String canonicalQuery(URI uri) {
        String q = uri.getRawQuery();
        if (q == null || q.isEmpty()) {
            return "";
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            sorted.put(encode(decode(k), true) + "=" + encode(decode(v), true), "");
        }
        return String.join("&", sorted.keySet());
    }

    /** RFC 3986 encoding: unreserved characters kept, '/' kept unless {@code slash}, the rest %XX. */
    static String encode(String s, boolean slash) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            char ch = (char) (x & 0xff);
            if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')
                    || ch == '-' || ch == '_' || ch == '.' || ch == '~' || (ch == '/' && !slash)) {
                b.append(ch);
            } else {
                b.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) x));
            }
        }
        return b.toString();
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data == null ? new byte[0] : data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        return HEX.formatHex(b);
    }
}

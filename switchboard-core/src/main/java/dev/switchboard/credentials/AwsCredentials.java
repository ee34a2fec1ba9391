package dev.switchboard.credentials;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.provider.ProviderEndpoint;
import java.net.URI;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AWS credentials and region for a SigV4-signed provider: {@code api_key} is {@code ACCESS_KEY_ID:SECRET_ACCESS_KEY}
 * or {@code ACCESS_KEY_ID:SECRET_ACCESS_KEY:SESSION_TOKEN}; the region is read from the base_url host
 * {@code bedrock-runtime[-fips].<region>.amazonaws.com[.cn]} (any other host, e.g. a local proxy, signs for us-east-1).
 */
public record AwsCredentials(String accessKeyId, String secretAccessKey, String sessionToken, String region) {
    static final String DEFAULT_REGION = "us-east-1";
    private static final Pattern HOST = Pattern.compile("^bedrock-runtime(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?$");

    @Override
    public String toString() {
        return "AwsCredentials[" + accessKeyId + ", ***, " + region + "]"; // the key id names the account; the rest is secret
    }

    public static AwsCredentials of(ProviderEndpoint p) {
        String key = p.apiKey() == null ? "" : p.apiKey().value();
        String[] parts = key.split(":", 3);
        if (parts.length < 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new GatewayException(ErrorKind.INTERNAL, "Provider '" + p.name() + "' (" + p.type().name()
                    + ") needs api_key as ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN].");
        }
        String token = parts.length == 3 && !parts[2].isBlank() ? parts[2] : null;
        return new AwsCredentials(parts[0], parts[1], token, region(p.baseUrl()));
    }

    static String region(String baseUrl) {
        String host = URI.create(baseUrl).getHost();
        Matcher m = host == null ? null : HOST.matcher(host.toLowerCase(Locale.ROOT));
        return m != null && m.matches() ? m.group(1) : DEFAULT_REGION;
    }
}

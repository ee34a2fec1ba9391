package dev.switchboard.server.auth;

import com.nimbusds.jose.JWSAlgorithm;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How bearer JWTs are checked. Exactly one key source: a JWKS URL (fetched in the background), a PEM public key (RSA
 * or EC), or an HMAC secret. The secret never appears in {@link #toString()}.
 *
 * @param issuer              the required {@code iss}
 * @param audiences           accepted {@code aud} values; a token must name at least one
 * @param jwksUrl             where the key set lives (http or https), or null
 * @param jwksRefresh         how often the key set is fetched again (default 5 min)
 * @param jwksMinRefetch      least time between fetches caused by unknown key ids (default 30 s)
 * @param publicKeyPem        a PEM public key or certificate, or null
 * @param hmacSecret          a shared secret of at least 32 bytes, or null
 * @param algorithms          allowed {@code alg} names; default RS256 and ES256 (HS256 with a secret); never none
 * @param clockSkew           tolerance for {@code exp}, {@code nbf} and {@code iat} (default 60 s)
 * @param claims              claim mapping
 */
public record JwtSettings(String issuer, List<String> audiences, URI jwksUrl, Duration jwksRefresh,
                          Duration jwksMinRefetch, String publicKeyPem, String hmacSecret, List<String> algorithms,
                          Duration clockSkew, JwtClaimMapping claims) {
    public static final Duration DEFAULT_JWKS_REFRESH = Duration.ofMinutes(5);
    public static final Duration DEFAULT_JWKS_MIN_REFETCH = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    private static final int MIN_HMAC_SECRET_BYTES = 32;

    public JwtSettings {
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("jwt: issuer is required");
        }
        audiences = audiences == null ? List.of() : List.copyOf(audiences);
        if (audiences.isEmpty() || audiences.stream().anyMatch(a -> a == null || a.isBlank())) {
            throw new IllegalArgumentException("jwt: at least one non-blank audience is required");
        }
        int sources = (jwksUrl != null ? 1 : 0) + (publicKeyPem != null ? 1 : 0) + (hmacSecret != null ? 1 : 0);
        if (sources != 1) {
            throw new IllegalArgumentException("jwt: set exactly one of jwksUrl, publicKeyPem, hmacSecret");
        }
        if (jwksUrl != null && !("http".equalsIgnoreCase(jwksUrl.getScheme())
                || "https".equalsIgnoreCase(jwksUrl.getScheme()))) {
            throw new IllegalArgumentException("jwt: jwksUrl must be http or https");
        }
        if (hmacSecret != null && hmacSecret.getBytes(StandardCharsets.UTF_8).length < MIN_HMAC_SECRET_BYTES) {
            throw new IllegalArgumentException("jwt: hmacSecret must be at least " + MIN_HMAC_SECRET_BYTES + " bytes");
        }
        jwksRefresh = positiveOr(jwksRefresh, DEFAULT_JWKS_REFRESH, "jwksRefresh");
        jwksMinRefetch = jwksMinRefetch == null ? DEFAULT_JWKS_MIN_REFETCH : jwksMinRefetch;
        clockSkew = clockSkew == null ? DEFAULT_CLOCK_SKEW : clockSkew;
        if (jwksMinRefetch.isNegative() || clockSkew.isNegative()) {
            throw new IllegalArgumentException("jwt: durations must not be negative");
        }
        algorithms = checkAlgorithms(algorithms, hmacSecret != null);
        claims = claims == null ? JwtClaimMapping.DEFAULT : claims;
    }

    private static Duration positiveOr(Duration d, Duration fallback, String name) {
        if (d == null) {
            return fallback;
        }
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("jwt: " + name + " must be positive");
        }
        return d;
    }

    private static List<String> checkAlgorithms(List<String> names, boolean hmac) {
        if (names == null || names.isEmpty()) {
            return hmac ? List.of("HS256") : List.of("RS256", "ES256");
        }
        List<String> out = new ArrayList<>();
        for (String raw : names) {
            String name = raw == null ? "" : raw.strip().toUpperCase(Locale.ROOT);
            JWSAlgorithm alg = JWSAlgorithm.parse(name);
            if (name.equals("NONE")) {
                throw new IllegalArgumentException("jwt: algorithm 'none' is never allowed");
            }
            boolean isHmac = JWSAlgorithm.Family.HMAC_SHA.contains(alg);
            boolean isPublicKey = JWSAlgorithm.Family.RSA.contains(alg) || JWSAlgorithm.Family.EC.contains(alg);
            if (!isHmac && !isPublicKey) {
                throw new IllegalArgumentException("jwt: unsupported algorithm " + name);
            }
            // Mixing families invites key-confusion attacks (an RSA public key used as an HMAC secret).
            if (isHmac != hmac) {
                throw new IllegalArgumentException("jwt: algorithm " + name
                        + (hmac ? " needs a public key, but an HMAC secret is set" : " needs hmacSecret"));
            }
            out.add(alg.getName());
        }
        return List.copyOf(out);
    }

    /** The allowed algorithms as nimbus objects. */
    public List<JWSAlgorithm> allowedAlgorithms() {
        return algorithms.stream().map(JWSAlgorithm::parse).toList();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String toString() {
        return "JwtSettings[issuer=" + issuer + ", audiences=" + audiences
                + ", keys=" + (jwksUrl != null ? "jwks " + jwksUrl.getHost() : publicKeyPem != null ? "pem" : "hmac ***")
                + ", algorithms=" + algorithms + ", clockSkew=" + clockSkew + ", claims=" + claims + "]";
    }

    /** Builds settings field by field; unset fields take their defaults. */
    public static final class Builder {
        private String issuer;
        private List<String> audiences = List.of();
        private URI jwksUrl;
        private Duration jwksRefresh;
        private Duration jwksMinRefetch;
        private String publicKeyPem;
        private String hmacSecret;
        private List<String> algorithms;
        private Duration clockSkew;
        private JwtClaimMapping claims;

        private Builder() {
        }

        public Builder issuer(String v) { issuer = v; return this; }
        public Builder audience(String... v) { audiences = List.of(v); return this; }
        public Builder audiences(List<String> v) { audiences = v; return this; }
        public Builder jwksUrl(URI v) { jwksUrl = v; return this; }
        public Builder jwksRefresh(Duration v) { jwksRefresh = v; return this; }
        public Builder jwksMinRefetch(Duration v) { jwksMinRefetch = v; return this; }
        public Builder publicKeyPem(String v) { publicKeyPem = v; return this; }
        public Builder hmacSecret(String v) { hmacSecret = v; return this; }
        public Builder algorithms(String... v) { algorithms = List.of(v); return this; }
        public Builder clockSkew(Duration v) { clockSkew = v; return this; }
        public Builder claims(JwtClaimMapping v) { claims = v; return this; }

        public JwtSettings build() {
            return new JwtSettings(issuer, audiences, jwksUrl, jwksRefresh, jwksMinRefetch, publicKeyPem, hmacSecret,
                    algorithms, clockSkew, claims);
        }
    }
}

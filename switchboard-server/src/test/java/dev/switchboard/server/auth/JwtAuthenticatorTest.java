package dev.switchboard.server.auth;

import static dev.switchboard.server.auth.TestTokens.AUDIENCE;
import static dev.switchboard.server.auth.TestTokens.ISSUER;
import static dev.switchboard.server.auth.TestTokens.sign;
import static dev.switchboard.server.auth.TestTokens.validClaims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.switchboard.access.ClientKey;
import dev.switchboard.access.ModelPolicy;
import dev.switchboard.server.auth.JwtRejectedException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JwtAuthenticatorTest {
    private static final RSAKey RSA = TestTokens.rsaKey("rsa-1");
    private static final ECKey EC = TestTokens.ecKey("ec-1");
    private static final String SECRET = "0123456789abcdef0123456789abcdef-shared";

    private static JwtAuthenticator pemAuthenticator(String pem, JwtClaimMapping claims) {
        JwtSettings settings = JwtSettings.builder().issuer(ISSUER).audience(AUDIENCE, "other")
                .publicKeyPem(pem).claims(claims).build();
        return new JwtAuthenticator(settings, StaticKeySource.fromPem(pem), Clock.systemUTC());
    }

    private static JwtAuthenticator rsa() throws Exception {
        return pemAuthenticator(TestTokens.pem(RSA.toPublicKey()), null);
    }

    private static void assertRejected(JwtAuthenticator auth, String token, Reason reason) {
        assertThatThrownBy(() -> auth.verify(token))
                .isInstanceOfSatisfying(JwtRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.getMessage()).doesNotContain(token).doesNotContain(token.split("\\.")[1]);
                });
    }

    @Test
    void validRsaTokenGivesTheCaller() throws Exception {
        Identity id = rsa().verify(sign(RSA, validClaims().build()));
        assertThat(id.name()).isEqualTo("alice");
        assertThat(id.team()).isNull();
        assertThat(id.metadata()).isEmpty();
        assertThat(id.allowedModels()).isNull();
    }

    @Test
    void validEcTokenWithACertificateFreePem() throws Exception {
        JwtAuthenticator auth = pemAuthenticator(TestTokens.pem(EC.toPublicKey()), null);
        assertThat(auth.verify(sign(EC, validClaims().subject("bob").build())).name()).isEqualTo("bob");
    }

    @Test
    void expiredTokenIsRefusedButSkewIsTolerated() throws Exception {
        Instant now = Instant.now();
        String longExpired = sign(RSA, validClaims().issueTime(Date.from(now.minusSeconds(7200)))
                .notBeforeTime(Date.from(now.minusSeconds(7200)))
                .expirationTime(Date.from(now.minusSeconds(600))).build());
        assertRejected(rsa(), longExpired, Reason.EXPIRED);
        String justExpired = sign(RSA, validClaims().expirationTime(Date.from(now.minusSeconds(20))).build());
        assertThat(rsa().verify(justExpired).name()).isEqualTo("alice");
    }

    @Test
    void notYetValidTokenIsRefusedButSkewIsTolerated() throws Exception {
        Instant now = Instant.now();
        assertRejected(rsa(), sign(RSA, validClaims().notBeforeTime(Date.from(now.plusSeconds(600))).build()),
                Reason.NOT_YET_VALID);
        assertRejected(rsa(), sign(RSA, validClaims().issueTime(Date.from(now.plusSeconds(600))).build()),
                Reason.NOT_YET_VALID);
        assertThat(rsa().verify(sign(RSA, validClaims().notBeforeTime(Date.from(now.plusSeconds(20))).build())))
                .isNotNull();
    }

    @Test
    void skewIsConfigurable() throws Exception {
        String pem = TestTokens.pem(RSA.toPublicKey());
        JwtSettings strict = JwtSettings.builder().issuer(ISSUER).audience(AUDIENCE).publicKeyPem(pem)
                .clockSkew(Duration.ZERO).build();
        JwtAuthenticator auth = new JwtAuthenticator(strict, StaticKeySource.fromPem(pem), Clock.systemUTC());
        assertRejected(auth, sign(RSA, validClaims().expirationTime(Date.from(Instant.now().minusSeconds(20)))
                .build()), Reason.EXPIRED);
    }

    @Test
    void tokenWithoutExpiryIsRefused() throws Exception {
        assertRejected(rsa(), sign(RSA, validClaims().expirationTime(null).build()), Reason.MISSING_CLAIM);
    }

    @Test
    void wrongIssuerAndAudienceAreRefused() throws Exception {
        assertRejected(rsa(), sign(RSA, validClaims().issuer("https://evil.example").build()), Reason.WRONG_ISSUER);
        assertRejected(rsa(), sign(RSA, validClaims().issuer(null).build()), Reason.WRONG_ISSUER);
        assertRejected(rsa(), sign(RSA, validClaims().audience("someone-else").build()), Reason.WRONG_AUDIENCE);
        assertRejected(rsa(), sign(RSA, validClaims().audience((String) null).build()), Reason.WRONG_AUDIENCE);
        assertThat(rsa().verify(sign(RSA, validClaims().audience(List.of("x", "other")).build()))).isNotNull();
    }

    @Test
    void badSignatureIsRefused() throws Exception {
        RSAKey stranger = TestTokens.rsaKey("rsa-1");
        assertRejected(rsa(), sign(stranger, validClaims().build()), Reason.BAD_SIGNATURE);

        String good = sign(RSA, validClaims().build());
        String[] parts = good.split("\\.");
        String tampered = parts[0] + "." + TestTokens.base64Url(validClaims().subject("mallory").build().toString())
                + "." + parts[2];
        assertRejected(rsa(), tampered, Reason.BAD_SIGNATURE);
    }

    @Test
    void algNoneIsRefused() throws Exception {
        String header = TestTokens.base64Url("{\"alg\":\"none\"}");
        String payload = TestTokens.base64Url(validClaims().build().toString());
        // Unsigned tokens have an empty third segment; try both that and a fake signature.
        assertRejected(rsa(), header + "." + payload + ".", Reason.ALGORITHM_NOT_ALLOWED);
        assertRejected(rsa(), header + "." + payload + ".c2ln", Reason.ALGORITHM_NOT_ALLOWED);
        String upper = TestTokens.base64Url("{\"alg\":\"NONE\"}") + "." + payload + ".c2ln";
        assertRejected(rsa(), upper, Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void algorithmsOutsideTheAllowedListAreRefused() throws Exception {
        String pem = TestTokens.pem(RSA.toPublicKey());
        JwtSettings onlyEs = JwtSettings.builder().issuer(ISSUER).audience(AUDIENCE).publicKeyPem(pem)
                .algorithms("ES256").build();
        JwtAuthenticator auth = new JwtAuthenticator(onlyEs, StaticKeySource.fromPem(pem), Clock.systemUTC());
        assertRejected(auth, sign(RSA, validClaims().build()), Reason.ALGORITHM_NOT_ALLOWED);
        assertRejected(rsa(), sign(RSA, JWSAlgorithm.PS256, "rsa-1", validClaims().build()),
                Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void hmacSecretTokens() {
        JwtSettings settings = JwtSettings.builder().issuer(ISSUER).audience(AUDIENCE).hmacSecret(SECRET).build();
        JwtAuthenticator auth = new JwtAuthenticator(settings, StaticKeySource.fromHmacSecret(SECRET),
                Clock.systemUTC());
        assertThat(auth.verify(TestTokens.signHmac(SECRET, validClaims().build())).name()).isEqualTo("alice");
        assertRejected(auth, TestTokens.signHmac(SECRET + "x", validClaims().build()), Reason.BAD_SIGNATURE);
        assertRejected(auth, sign(RSA, validClaims().build()), Reason.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void claimsAreMappedToTeamMetadataAndModels() throws Exception {
        JwtClaimMapping mapping = new JwtClaimMapping("email", "org", List.of("dept", "groups", "level", "absent"),
                "models");
        JwtAuthenticator auth = pemAuthenticator(TestTokens.pem(RSA.toPublicKey()), mapping);
        JWTClaimsSet claims = validClaims()
                .claim("email", "alice@example.com")
                .claim("org", "search")
                .claim("dept", "r&d")
                .claim("groups", List.of("a", "b"))
                .claim("level", 3)
                .claim("models", List.of("openai/gpt-4o", "anthropic/*"))
                .build();
        Identity id = auth.verify(sign(RSA, claims));
        assertThat(id.name()).isEqualTo("alice@example.com");
        assertThat(id.team()).isEqualTo("search");
        assertThat(id.metadata()).isEqualTo(Map.of("dept", "r&d", "groups", "a,b", "level", "3"));
        assertThat(id.allowedModels()).containsExactly("openai/gpt-4o", "anthropic/*");

        ClientKey key = id.toClientKey(ModelPolicy.ALL);
        assertThat(key.team()).isEqualTo("search");
        assertThat(key.models().allows("anthropic/claude")).isTrue();
        assertThat(key.models().allows("openai/gpt-3.5")).isFalse();

        Identity spaced = auth.verify(sign(RSA, validClaims().claim("email", "x").claim("models", "a b,c").build()));
        assertThat(spaced.allowedModels()).containsExactly("a", "b", "c");
        Identity none = auth.verify(sign(RSA, validClaims().claim("email", "x").claim("models", List.of()).build()));
        assertThat(none.toClientKey(ModelPolicy.ALL).models().allows("a")).isFalse();
        assertThat(auth.verify(sign(RSA, validClaims().claim("email", "x").build())).allowedModels()).isNull();
    }

    @Test
    void missingNameClaimIsRefused() throws Exception {
        assertRejected(rsa(), sign(RSA, validClaims().subject(null).build()), Reason.MISSING_CLAIM);
    }

    @Test
    void garbageIsMalformed() throws Exception {
        assertRejected(rsa(), "abc.def.ghi", Reason.MALFORMED);
        assertThatThrownBy(() -> rsa().verify("sk-gateway-key"))
                .isInstanceOfSatisfying(JwtRejectedException.class, e ->
                        assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
    }

    @Test
    void jwtShapeTellsTokensFromGatewayKeys() {
        assertThat(JwtShape.looksLikeJwt(sign(RSA, validClaims().build()))).isTrue();
        assertThat(JwtShape.looksLikeJwt("sk-sb-0123456789abcdef")).isFalse();
        assertThat(JwtShape.looksLikeJwt("a.b")).isFalse();
        assertThat(JwtShape.looksLikeJwt("a..c")).isFalse();
        assertThat(JwtShape.looksLikeJwt("a.b.c.d")).isFalse();
        assertThat(JwtShape.looksLikeJwt("a.b.")).isFalse();
        assertThat(JwtShape.looksLikeJwt("a+b.c/d.e=f")).isFalse();
        assertThat(JwtShape.looksLikeJwt(null)).isFalse();
    }
}

package dev.switchboard.config;

import dev.switchboard.secret.Secret;
import java.time.Duration;
import java.util.List;

/**
 * JWT bearer tokens accepted as callers: one key source (a JWKS URL, a PEM public key, or an HMAC secret), the
 * issuer and audiences to insist on, and which claims name the caller, its team, its metadata and its models.
 */
public record JwtConfig(String issuer, List<String> audiences, String jwksUrl, String publicKeyPem, Secret hmacSecret,
                        List<String> algorithms, Duration clockSkew, String nameClaim, String teamClaim,
                        List<String> metadataClaims, String modelsClaim) {}

package dev.switchboard.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.Key;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verification keys held in memory, already converted to JCA keys so a token check does no parsing of key material.
 * Immutable: a refreshed key set replaces the whole ring.
 */
public final class KeyRing {
    private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);

    public static final KeyRing EMPTY = new KeyRing(List.of());

    /** One usable key; a null kid matches any token kid (a single configured key). */
    record Entry(String kid, JWSAlgorithm fixedAlg, Key key) {
        boolean fits(JWSAlgorithm alg) {
            if (fixedAlg != null && !fixedAlg.equals(alg)) {
                return false;
            }
            return switch (key.getAlgorithm()) {
                case "RSA" -> JWSAlgorithm.Family.RSA.contains(alg);
                case "EC" -> JWSAlgorithm.Family.EC.contains(alg);
                default -> JWSAlgorithm.Family.HMAC_SHA.contains(alg);
            };
        }
    }

    /** Keys that fit a token header; {@code unknownKid} when the header names a kid this ring does not hold. */
    record Lookup(List<Key> keys, boolean unknownKid) {
    }

    private final List<Entry> entries;

    private KeyRing(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Keeps the signature keys of a set; keys that cannot be converted are skipped with a warning. */
    public static KeyRing of(JWKSet set) {
        List<Entry> out = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
                continue;
            }
            Key key = toJcaKey(jwk);
            if (key != null) {
                JWSAlgorithm alg = jwk.getAlgorithm() == null ? null : JWSAlgorithm.parse(jwk.getAlgorithm().getName());
                out.add(new Entry(jwk.getKeyID(), alg, key));
            }
        }
        return new KeyRing(out);
    }

    /** A single key with no kid, for a configured PEM key or HMAC secret. */
    static KeyRing single(Key key) {
        return new KeyRing(List.of(new Entry(null, null, key)));
    }

    private static Key toJcaKey(JWK jwk) {
        try {
            if (jwk instanceof RSAKey rsa) {
                return rsa.toRSAPublicKey();
            }
            if (jwk instanceof ECKey ec) {
                return ec.toECPublicKey();
            }
            if (jwk instanceof OctetSequenceKey oct) {
                return oct.toSecretKey("HmacSHA256");
            }
        } catch (JOSEException e) {
            LOG.warn("Skipping JWKS key {}: {}", jwk.getKeyID(), e.getMessage());
            return null;
        }
        LOG.warn("Skipping JWKS key {} of unsupported type {}", jwk.getKeyID(), jwk.getKeyType());
        return null;
    }

    Lookup lookup(JWSHeader header) {
        String kid = header.getKeyID();
        List<Key> keys = new ArrayList<>(2);
        boolean kidSeen = false;
        for (Entry e : entries) {
            boolean kidMatches = e.kid() == null || kid == null || e.kid().equals(kid);
            if (!kidMatches) {
                continue;
            }
            kidSeen = true;
            if (e.fits(header.getAlgorithm())) {
                keys.add(e.key());
            }
        }
        return new Lookup(keys, kid != null && !kidSeen);
    }

    public int size() {
        return entries.size();
    }

    /** The key ids held, for logs. */
    public List<String> keyIds() {
        return entries.stream().map(e -> e.kid() == null ? "(none)" : e.kid()).toList();
    }
}

package dev.switchboard.server.auth;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.server.auth.JwtRejectedException.Reason;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * Verifies bearer JWTs against keys already in memory: CPU only, safe on an event loop. {@link #verifyAsync} adds
 * one rate-limited key-set fetch when a token names a key id not yet known (key rotation at the identity provider).
 */
public final class JwtAuthenticator {
    private final KeySource keys;
    private final Set<JWSAlgorithm> allowed;
    private final JwtClaimsCheck claimsCheck;
    private final IdentityMapper mapper;
    private final DefaultJWSVerifierFactory verifiers = new DefaultJWSVerifierFactory();

    public JwtAuthenticator(JwtSettings settings, KeySource keys, Clock clock) {
        this.keys = keys;
        this.allowed = Set.copyOf(settings.allowedAlgorithms());
        this.claimsCheck = new JwtClaimsCheck(settings.issuer(), settings.audiences(), settings.clockSkew(), clock);
        this.mapper = new IdentityMapper(settings.claims());
    }

    /** An authenticator with the key source the settings name (a {@link JwksCache} for a JWKS URL); call start(). */
    public static JwtAuthenticator create(Vertx vertx, JwtSettings settings) {
        KeySource source;
        if (settings.jwksUrl() != null) {
            source = JwksCache.of(vertx, settings);
        } else if (settings.publicKeyPem() != null) {
            source = StaticKeySource.fromPem(settings.publicKeyPem());
        } else {
            source = StaticKeySource.fromHmacSecret(settings.hmacSecret());
        }
        return new JwtAuthenticator(settings, source, Clock.systemUTC());
    }

    /** Loads the keys (first JWKS fetch and refresh timer); fails if the first fetch fails. */
    public Future<Void> start() {
        return keys.start();
    }

    public Future<Void> close() {
        return keys.close();
    }

    public KeySource keySource() {
        return keys;
    }

    /** Quick shape test so gateway keys skip JWT parsing; see {@link JwtShape}. */
    public static boolean looksLikeJwt(String token) {
        return JwtShape.looksLikeJwt(token);
    }

    /**
     * Verifies with the keys in memory.
     *
     * @throws JwtRejectedException with a reason safe for a 401 message
     */
    public Identity verify(String token) {
        SignedJWT jwt = parse(token);
        return verifyWith(jwt, keys.current());
    }

    /**
     * Like {@link #verify}, but a token naming an unknown key id waits for a (rate-limited) key-set fetch and is
     * checked again. The future fails with {@link JwtRejectedException}; it completes on the caller's context.
     */
    public Future<Identity> verifyAsync(String token) {
        SignedJWT jwt;
        try {
            jwt = parse(token);
            KeyRing ring = keys.current();
            if (!ring.lookup(jwt.getHeader()).unknownKid()) {
                return Future.succeededFuture(verifyWith(jwt, ring));
            }
        } catch (JwtRejectedException e) {
            return Future.failedFuture(e);
        }
        Future<Identity> retried = keys.refreshForUnknownKid()
                .recover(failure -> Future.failedFuture(
                        new JwtRejectedException(Reason.UNKNOWN_KEY, Reason.UNKNOWN_KEY.message()
                                + " (key set could not be refreshed)")))
                .map(ring -> verifyWith(jwt, ring));
        return onCallerContext(retried);
    }

    private static <T> Future<T> onCallerContext(Future<T> future) {
        Context caller = Vertx.currentContext();
        if (caller == null) {
            return future;
        }
        Promise<T> promise = Promise.promise();
        future.onComplete(result -> caller.runOnContext(v -> promise.handle(result)));
        return promise.future();
    }

    private SignedJWT parse(String token) {
        int firstDot = token == null ? -1 : token.indexOf('.');
        if (firstDot <= 0) {
            throw new JwtRejectedException(Reason.MALFORMED);
        }
        // The algorithm is judged before anything else so unsigned tokens get a precise refusal.
        Algorithm alg = headerAlgorithm(token.substring(0, firstDot));
        if (Algorithm.NONE.equals(alg)) {
            throw new JwtRejectedException(Reason.ALGORITHM_NOT_ALLOWED, "unsigned tokens (alg none) are refused");
        }
        if (!(alg instanceof JWSAlgorithm jws) || !allowed.contains(jws)) {
            throw new JwtRejectedException(Reason.ALGORITHM_NOT_ALLOWED);
        }
        if (!JwtShape.looksLikeJwt(token)) {
            throw new JwtRejectedException(Reason.MALFORMED);
        }
        try {
            return SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new JwtRejectedException(Reason.MALFORMED);
        }
    }

    private static Algorithm headerAlgorithm(String encodedHeader) {
        try {
            Algorithm alg = Header.parseAlgorithm(JSONObjectUtils.parse(new Base64URL(encodedHeader).decodeToString()));
            if (alg == null) {
                throw new JwtRejectedException(Reason.MALFORMED);
            }
            return alg;
        } catch (ParseException | IllegalArgumentException e) {
            throw new JwtRejectedException(Reason.MALFORMED);
        }
    }

    private Identity verifyWith(SignedJWT jwt, KeyRing ring) {
        JWSHeader header = jwt.getHeader();
        KeyRing.Lookup lookup = ring.lookup(header);
        if (lookup.unknownKid()) {
            throw new JwtRejectedException(Reason.UNKNOWN_KEY);
        }
        if (!signatureMatches(jwt, lookup.keys())) {
            throw new JwtRejectedException(Reason.BAD_SIGNATURE);
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new JwtRejectedException(Reason.MALFORMED, "token claims are not a JSON object");
        }
        claimsCheck.check(claims);
        return mapper.map(claims);
    }

    private boolean signatureMatches(SignedJWT jwt, List<Key> candidates) {
        for (Key key : candidates) {
            try {
                JWSVerifier verifier = verifiers.createJWSVerifier(jwt.getHeader(), key);
                if (jwt.verify(verifier)) {
                    return true;
                }
            } catch (JOSEException | IllegalStateException e) {
                // This key cannot check this token (wrong curve, too short a secret): try the next one.
            }
        }
        return false;
    }
}

package dev.switchboard.server.auth;

import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import javax.crypto.spec.SecretKeySpec;

/** A key fixed in configuration: a PEM public key or an HMAC secret. */
public final class StaticKeySource implements KeySource {
    private final KeyRing ring;

    private StaticKeySource(KeyRing ring) {
        this.ring = ring;
    }

    public static StaticKeySource fromPem(String pem) {
        return new StaticKeySource(KeyRing.single(PemKeys.parsePublicKey(pem)));
    }

    public static StaticKeySource fromHmacSecret(String secret) {
        return new StaticKeySource(KeyRing.single(
                new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256")));
    }

    @Override
    public KeyRing current() {
        return ring;
    }

    @Override
    public Future<KeyRing> refreshForUnknownKid() {
        return Future.succeededFuture(ring);
    }

    @Override
    public String toString() {
        return "StaticKeySource";
    }
}

package dev.switchboard.governance;

import dev.switchboard.access.ClientKey;
import dev.switchboard.access.KeyIndex;
import dev.switchboard.access.Quota;
import dev.switchboard.config.KeyDigest;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.server.auth.JwtAuthenticator;
import dev.switchboard.server.auth.JwtRejectedException;
import dev.switchboard.server.auth.JwtShape;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Finds the caller of a request: a config key, a store key (from the in-memory {@link StoreDirectory}, no database
 * round trip) or a JWT, presented as {@code Authorization: Bearer} or {@code x-api-key}; then checks expiry and the
 * network rules. Thread-safe; the answer is immediate except for a JWT whose signing key must first be fetched.
 */
public final class CallerAuth {
    /** Enough for every key of a busy gateway; beyond it the cache starts over. */
    private static final int MAX_DIGESTS = 4096;
    /** Longer values are never cached (no real key is this long); they are hashed and looked up each time. */
    private static final int MAX_CACHED_LENGTH = 256;

    private final Supplier<StoreDirectory> directory;
    /**
     * Presented key → its SHA-256, only for values that matched a key when they were cached: hashing was a visible
     * share of each request's CPU. Values that match nothing are never kept (an anonymous client must not fill the
     * heap with what it sends). A digest depends on nothing but the key, so revoking or adding keys needs no
     * invalidation (lookups by digest always use the current keys).
     */
    private final Map<String, String> digests = new ConcurrentHashMap<>();
    private final JwtAuthenticator jwt;
    private final NetworkGuard network;

    /** @param jwt null when JWT callers are not configured */
    public CallerAuth(Supplier<StoreDirectory> directory, JwtAuthenticator jwt, NetworkGuard network) {
        this.directory = directory;
        this.jwt = jwt;
        this.network = network;
    }

    /** How many presented values the digest cache holds (for tests). */
    int cachedDigests() {
        return digests.size();
    }

    public NetworkGuard network() {
        return network;
    }

    public Future<ClientKey> authenticate(CallerRequest req, KeyIndex configKeys) {
        String presented = presented(req);
        if (jwt != null && JwtShape.looksLikeJwt(presented)) {
            return jwt.verifyAsync(presented).transform(ar -> {
                if (ar.failed()) {
                    String why = ar.cause() instanceof JwtRejectedException j ? j.getMessage() : "The token could not be verified.";
                    return Future.failedFuture(new GatewayException(ErrorKind.UNAUTHENTICATED, why));
                }
                ClientKey key = withStoreTeam(ar.result().toClientKey(null));
                return Future.succeededFuture(network.check(req, key));
            });
        }
        String digest = digests.get(presented);
        boolean cached = digest != null;
        if (!cached) {
            digest = KeyDigest.sha256Hex(presented);
        }
        ClientKey key = configKeys.findDigest(digest);
        if (key == null) {
            key = directory.get().keysByDigest().get(digest);
            if (key == null) {
                throw new GatewayException(ErrorKind.UNAUTHENTICATED, "Invalid API key.");
            }
        } else {
            key = withStoreTeam(key);
        }
        if (!cached && presented.length() <= MAX_CACHED_LENGTH) {
            if (digests.size() >= MAX_DIGESTS) {
                digests.clear(); // bounded however many keys exist; the keys in use come back on their next request
            }
            digests.put(presented, digest);
        }
        if (key.expiresAt() != null && key.expired(Instant.now())) {
            throw new GatewayException(ErrorKind.UNAUTHENTICATED, "The API key has expired.");
        }
        return Future.succeededFuture(network.check(req, key));
    }

    /** A config key or a token naming a team the store knows gets that team's models and quota. */
    private ClientKey withStoreTeam(ClientKey key) {
        if (key.team() == null || key.teamQuota() != Quota.NONE) {
            return key;
        }
        StoreDirectory.Team team = directory.get().teamsByName().get(key.team());
        if (team == null) {
            return key;
        }
        return new ClientKey(key.id(), key.name(), key.team(), key.metadata(), key.models(), key.quota(),
                team.models(), team.quota(), key.expiresAt());
    }

    private static String presented(CallerRequest req) {
        String presented = null;
        String auth = req.header("authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = auth.substring(7).trim();
        }
        if (presented == null || presented.isEmpty()) {
            presented = req.header("x-api-key");
        }
        if (presented == null || presented.isEmpty()) {
            throw new GatewayException(ErrorKind.UNAUTHENTICATED,
                    "Missing API key: send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'.");
        }
        return presented;
    }
}

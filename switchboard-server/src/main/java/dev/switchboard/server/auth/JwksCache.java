package dev.switchboard.server.auth;

import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a JWKS key set in memory, fetched asynchronously at start, on a fixed interval, and (rate-limited) when a
 * token names an unknown kid. A failed fetch keeps the last good keys. Concurrent fetch requests share one fetch.
 */
public final class JwksCache implements KeySource {
    private static final Logger LOG = LoggerFactory.getLogger(JwksCache.class);
    private static final int MAX_BODY_BYTES = 1 << 20;
    private static final long CONNECT_TIMEOUT_MS = 5_000;
    private static final long IDLE_TIMEOUT_MS = 10_000;

    private final Vertx vertx;
    private final URI url;
    private final Duration refreshInterval;
    private final long minRefetchNanos;
    private final HttpClient client;
    private final io.vertx.core.Context context;

    private volatile KeyRing ring = KeyRing.EMPTY;
    private Future<KeyRing> inFlight;
    private long lastFetchStartNanos;
    private boolean fetchedOnce;
    private long timerId = -1;
    private volatile int fetchCount;

    public JwksCache(Vertx vertx, URI url, Duration refreshInterval, Duration minRefetch) {
        this.vertx = vertx;
        this.url = url;
        this.refreshInterval = refreshInterval;
        this.minRefetchNanos = minRefetch.toNanos();
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) CONNECT_TIMEOUT_MS));
        this.context = vertx.getOrCreateContext();
    }

    public static JwksCache of(Vertx vertx, JwtSettings settings) {
        return new JwksCache(vertx, settings.jwksUrl(), settings.jwksRefresh(), settings.jwksMinRefetch());
    }

    /**
     * Fetches the key set and starts the refresh timer. The future fails if the first fetch fails, but the timer
     * keeps trying, so a gateway may choose to start anyway.
     */
    @Override
    public Future<Void> start() {
        synchronized (this) {
            if (timerId < 0) {
                timerId = vertx.setPeriodic(refreshInterval.toMillis(), id -> refresh());
            }
        }
        return refresh().mapEmpty();
    }

    @Override
    public Future<Void> close() {
        synchronized (this) {
            if (timerId >= 0) {
                vertx.cancelTimer(timerId);
                timerId = -1;
            }
        }
        return client.close();
    }

    @Override
    public KeyRing current() {
        return ring;
    }

    /** Fetches now (joining a fetch already under way); fails when the fetch fails, keeping the old keys. */
    public synchronized Future<KeyRing> refresh() {
        if (inFlight != null) {
            return inFlight;
        }
        lastFetchStartNanos = System.nanoTime();
        fetchedOnce = true;
        Promise<KeyRing> promise = Promise.promise();
        Future<KeyRing> answer = promise.future(); // returned even if the fetch ends (and clears inFlight) right away
        inFlight = answer;
        fetchCount++;
        fetch().onComplete(result -> {
            synchronized (this) {
                inFlight = null;
            }
            if (result.failed()) {
                LOG.warn("JWKS fetch from {} failed, keeping {} known keys: {}", url.getHost(), ring.size(),
                        result.cause().getMessage());
                promise.fail(result.cause());
            } else {
                ring = result.result();
                LOG.debug("JWKS from {} holds keys {}", url.getHost(), ring.keyIds());
                promise.complete(result.result());
            }
        });
        return answer;
    }

    /** Fetches again unless a fetch started less than the minimum interval ago; then answers the current keys. */
    @Override
    public synchronized Future<KeyRing> refreshForUnknownKid() {
        if (inFlight != null) {
            return inFlight;
        }
        if (fetchedOnce && System.nanoTime() - lastFetchStartNanos < minRefetchNanos) {
            return Future.succeededFuture(ring);
        }
        return refresh();
    }

    /** How many fetches have started, for tests and diagnostics. */
    public int fetchCount() {
        return fetchCount;
    }

    /**
     * Fetches on the cache's own context, whichever thread asked: the HTTP client's callbacks then always run on one
     * event loop (a refresh called from a non-Vert.x thread sometimes never saw its answer).
     */
    private Future<KeyRing> fetch() {
        Promise<KeyRing> done = Promise.promise();
        context.runOnContext(v -> fetchHere().onComplete(done));
        return done.future();
    }

    private Future<KeyRing> fetchHere() {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(url.toString())
                .setIdleTimeout(IDLE_TIMEOUT_MS)
                .putHeader("Accept", "application/json");
        return client.request(options)
                .compose(request -> request.send())
                .compose(response -> {
                    if (response.statusCode() != 200) {
                        return Future.failedFuture("JWKS endpoint answered HTTP " + response.statusCode());
                    }
                    return response.body();
                })
                .compose(this::parse);
    }

    private Future<KeyRing> parse(Buffer body) {
        if (body.length() > MAX_BODY_BYTES) {
            return Future.failedFuture("JWKS document larger than " + MAX_BODY_BYTES + " bytes");
        }
        try {
            JWKSet set = JWKSet.parse(body.toString(StandardCharsets.UTF_8));
            KeyRing parsed = KeyRing.of(set);
            if (parsed.size() == 0) {
                return Future.failedFuture("JWKS document holds no usable signature keys");
            }
            return Future.succeededFuture(parsed);
        } catch (ParseException e) {
            return Future.failedFuture("JWKS document is not a valid key set: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "JwksCache[" + url.getHost() + ", keys=" + ring.keyIds() + "]";
    }
}

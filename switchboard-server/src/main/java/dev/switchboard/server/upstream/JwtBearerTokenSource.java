package dev.switchboard.server.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.credentials.TokenGrant;
import dev.switchboard.credentials.TokenSource;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.json.Json;
import dev.switchboard.provider.ProviderEndpoint;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * OAuth2 JWT-bearer exchange (RFC 7523) over the gateway's Vert.x HTTP client: POST the grant's signed assertion
 * to its token URI, keep the {@code access_token} until {@value #MARGIN_SECONDS} s before {@code expires_in} runs
 * out, and share one exchange among the requests that arrive while it is in flight. One instance per event loop
 * (like the attempt runner), so its maps are only touched from that loop. Failed exchanges are not cached.
 */
final class JwtBearerTokenSource implements TokenSource {
    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    static final long MARGIN_SECONDS = 60;

    private record Cached(String token, long expiresAtMillis) {}

    private final HttpClient client;
    private final LongSupplier clock;
    private final Map<String, Cached> tokens = new HashMap<>();
    private final Map<String, Future<String>> inFlight = new HashMap<>();

    JwtBearerTokenSource(HttpClient client, LongSupplier clock) {
        this.client = client;
        this.clock = clock;
    }

    @Override
    public CompletionStage<String> accessToken(ProviderEndpoint p, TokenGrant grant) {
        return bearerToken(p, grant).toCompletionStage();
    }

    /** The token for this provider, from cache or freshly obtained with its grant. */
    Future<String> bearerToken(ProviderEndpoint p, TokenGrant grant) {
        String key = grant.cacheKey();
        Cached c = tokens.get(key);
        if (c != null && clock.getAsLong() < c.expiresAtMillis()) {
            return Future.succeededFuture(c.token());
        }
        Future<String> pending = inFlight.get(key);
        if (pending != null) {
            return pending;
        }
        Future<String> f = exchange(p, grant, key);
        inFlight.put(key, f);
        f.onComplete(ar -> inFlight.remove(key));
        return f;
    }

    private Future<String> exchange(ProviderEndpoint p, TokenGrant grant, String key) {
        String form;
        try {
            form = "grant_type=" + URLEncoder.encode(GRANT_TYPE, StandardCharsets.UTF_8)
                    + "&assertion=" + URLEncoder.encode(grant.assertion(clock.getAsLong() / 1000), StandardCharsets.UTF_8);
        } catch (GatewayException e) {
            return Future.failedFuture(e);
        }
        RequestOptions options = UpstreamAddress.apply(new RequestOptions(), grant.tokenUri())
                .setMethod(HttpMethod.POST)
                .setConnectTimeout(p.timeouts().connect().toMillis())
                .setIdleTimeout(p.timeouts().firstByte().toMillis())
                .putHeader("content-type", "application/x-www-form-urlencoded")
                .putHeader("accept", "application/json");
        return client.request(options)
                .compose(req -> req.send(Buffer.buffer(form)))
                .recover(err -> Future.failedFuture(new GatewayException(ErrorKind.UPSTREAM_UNREACHABLE,
                        "Provider '" + p.name() + "': its token endpoint could not be reached.")))
                .compose(res -> res.body().map(body -> {
                    JsonNode json = parse(body);
                    String token = json.path("access_token").asText(null);
                    if (res.statusCode() / 100 != 2 || token == null) {
                        // Google answers {"error":"invalid_grant","error_description":…}: no secret in it.
                        throw new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, "Provider '" + p.name()
                                + "': the token exchange failed (HTTP " + res.statusCode() + " "
                                + json.path("error").asText("no access_token") + ").");
                    }
                    long lifetime = json.path("expires_in").asLong(3600);
                    tokens.put(key, new Cached(token, clock.getAsLong() + Math.max(0, lifetime - MARGIN_SECONDS) * 1000));
                    return token;
                }));
    }

    private static JsonNode parse(Buffer body) {
        try {
            return Json.MAPPER.readTree(body.getBytes());
        } catch (Exception e) {
            return Json.MAPPER.createObjectNode();
        }
    }
}

package dev.switchboard.server.auth;

import static dev.switchboard.server.auth.TestTokens.AUDIENCE;
import static dev.switchboard.server.auth.TestTokens.ISSUER;
import static dev.switchboard.server.auth.TestTokens.sign;
import static dev.switchboard.server.auth.TestTokens.validClaims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import dev.switchboard.server.auth.JwtRejectedException.Reason;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JwksCacheTest {
    private static final RSAKey RSA_1 = TestTokens.rsaKey("rsa-1");
    private static final RSAKey RSA_2 = TestTokens.rsaKey("rsa-2");
    private static final ECKey EC_1 = TestTokens.ecKey("ec-1");

    private Vertx vertx;
    private HttpServer server;
    private final AtomicReference<String> body = new AtomicReference<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger hits = new AtomicInteger();
    private final AtomicInteger delayMillis = new AtomicInteger();
    private JwtAuthenticator auth;

    @BeforeEach
    void startJwksServer() throws Exception {
        vertx = Vertx.vertx();
        serve(RSA_1, EC_1);
        server = await(vertx.createHttpServer()
                .requestHandler(req -> {
                    hits.incrementAndGet();
                    String answer = body.get();
                    int code = status.get();
                    Runnable reply = () -> req.response().setStatusCode(code)
                            .putHeader("content-type", "application/json").end(answer);
                    if (delayMillis.get() > 0) {
                        vertx.setTimer(delayMillis.get(), id -> reply.run());
                    } else {
                        reply.run();
                    }
                })
                .listen(0, "127.0.0.1"));
    }

    @AfterEach
    void stop() throws Exception {
        if (auth != null) {
            await(auth.close());
        }
        await(vertx.close());
    }

    private void serve(JWK... keys) {
        body.set(new JWKSet(List.of(keys)).toPublicJWKSet().toString());
    }

    private JwtAuthenticator start(Duration refresh, Duration minRefetch) throws Exception {
        JwtSettings settings = JwtSettings.builder().issuer(ISSUER).audience(AUDIENCE)
                .jwksUrl(URI.create("http://127.0.0.1:" + server.actualPort() + "/.well-known/jwks.json"))
                .jwksRefresh(refresh).jwksMinRefetch(minRefetch).build();
        auth = JwtAuthenticator.create(vertx, settings);
        await(auth.start());
        return auth;
    }

    private JwksCache cache() {
        return (JwksCache) auth.keySource();
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void assertRejectedAsync(Future<Identity> future, Reason reason) {
        assertThatThrownBy(() -> await(future))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(JwtRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void verifiesWithFetchedKeys() throws Exception {
        start(Duration.ofMinutes(5), Duration.ofSeconds(30));
        assertThat(auth.verify(sign(RSA_1, validClaims().build())).name()).isEqualTo("alice");
        assertThat(auth.verify(sign(EC_1, validClaims().subject("bob").build())).name()).isEqualTo("bob");
        assertThat(await(auth.verifyAsync(sign(RSA_1, validClaims().build()))).name()).isEqualTo("alice");
        assertThat(hits.get()).isEqualTo(1);
    }

    @Test
    void rotatedKeyIsPickedUpOnUnknownKid() throws Exception {
        start(Duration.ofMinutes(5), Duration.ZERO);
        serve(RSA_1, RSA_2);
        String rotated = sign(RSA_2, validClaims().subject("carol").build());

        assertThatThrownBy(() -> auth.verify(rotated))
                .isInstanceOfSatisfying(JwtRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY));

        Context context = vertx.getOrCreateContext();
        Promise<Boolean> sameContext = Promise.promise();
        AtomicReference<Identity> seen = new AtomicReference<>();
        context.runOnContext(v -> auth.verifyAsync(rotated).onComplete(result -> {
            seen.set(result.result());
            sameContext.complete(Vertx.currentContext() == context);
        }));
        assertThat(await(sameContext.future())).isTrue();
        assertThat(seen.get().name()).isEqualTo("carol");
        assertThat(auth.verify(rotated).name()).isEqualTo("carol");
        assertThat(hits.get()).isEqualTo(2);
    }

    @Test
    void unknownKidFetchesAreRateLimited() throws Exception {
        start(Duration.ofMinutes(5), Duration.ofSeconds(30));
        serve(RSA_1, RSA_2);
        assertRejectedAsync(auth.verifyAsync(sign(RSA_2, validClaims().build())), Reason.UNKNOWN_KEY);
        assertRejectedAsync(auth.verifyAsync(sign(RSA_2, com.nimbusds.jose.JWSAlgorithm.RS256, "nope", validClaims().build())), Reason.UNKNOWN_KEY);
        assertThat(hits.get()).isEqualTo(1);
    }

    @Test
    void concurrentUnknownKidsShareOneFetch() throws Exception {
        start(Duration.ofMinutes(5), Duration.ZERO);
        serve(RSA_1, RSA_2);
        delayMillis.set(300);
        String rotated = sign(RSA_2, validClaims().build());
        Future<Identity> first = auth.verifyAsync(rotated);
        Future<Identity> second = auth.verifyAsync(rotated);
        assertThat(await(first).name()).isEqualTo("alice");
        assertThat(await(second).name()).isEqualTo("alice");
        assertThat(hits.get()).isEqualTo(2);
    }

    @Test
    void serverDownKeepsTheLastGoodKeys() throws Exception {
        start(Duration.ofMinutes(5), Duration.ZERO);
        await(server.close());

        assertThatThrownBy(() -> await(cache().refresh())).isInstanceOf(ExecutionException.class);
        assertThat(auth.verify(sign(RSA_1, validClaims().build())).name()).isEqualTo("alice");

        Future<Identity> unknown = auth.verifyAsync(sign(RSA_2, validClaims().build()));
        assertRejectedAsync(unknown, Reason.UNKNOWN_KEY);
        assertThatThrownBy(() -> await(unknown)).cause().hasMessageContaining("could not be refreshed");
    }

    @Test
    void badAnswersKeepTheLastGoodKeys() throws Exception {
        start(Duration.ofMinutes(5), Duration.ZERO);
        body.set("{not json");
        assertThatThrownBy(() -> await(cache().refresh())).isInstanceOf(ExecutionException.class);
        body.set("{\"keys\":[]}");
        assertThatThrownBy(() -> await(cache().refresh())).isInstanceOf(ExecutionException.class);
        serve(RSA_2);
        status.set(500);
        assertThatThrownBy(() -> await(cache().refresh())).isInstanceOf(ExecutionException.class);
        assertThat(auth.verify(sign(RSA_1, validClaims().build())).name()).isEqualTo("alice");
        assertThat(cache().current().keyIds()).containsExactly("rsa-1", "ec-1");
    }

    @Test
    void keySetIsRefreshedPeriodically() throws Exception {
        start(Duration.ofMillis(200), Duration.ofSeconds(30));
        serve(RSA_2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cache().current().keyIds().contains("rsa-2") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(auth.verify(sign(RSA_2, validClaims().build())).name()).isEqualTo("alice");
        assertThatThrownBy(() -> auth.verify(sign(RSA_1, validClaims().build())))
                .isInstanceOfSatisfying(JwtRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY));
    }

    @Test
    void firstFetchFailureFailsStart() throws Exception {
        status.set(404);
        JwtSettings settings = JwtSettings.builder().issuer(ISSUER).audience(AUDIENCE)
                .jwksUrl(URI.create("http://127.0.0.1:" + server.actualPort() + "/jwks")).build();
        auth = JwtAuthenticator.create(vertx, settings);
        assertThatThrownBy(() -> await(auth.start())).hasMessageContaining("HTTP 404");
        assertThatThrownBy(() -> auth.verify(sign(RSA_1, validClaims().build())))
                .isInstanceOfSatisfying(JwtRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY));
    }
}

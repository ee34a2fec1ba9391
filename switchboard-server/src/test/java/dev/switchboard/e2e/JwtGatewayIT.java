package dev.switchboard.e2e;

import static dev.switchboard.testing.ErrorBodies.assertError;
import static dev.switchboard.testing.FakeIdentityProvider.validClaims;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreSettings;
import dev.switchboard.store.repository.AccessPolicy;
import dev.switchboard.testing.FakeIdentityProvider;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.testing.GovHttp;
import dev.switchboard.testing.LogCapture;
import dev.switchboard.usage.UsageEvent;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JWT callers through a real gateway whose signing keys come from a JWKS endpoint over HTTP: a valid token is
 * served and recorded under its subject; expired or foreign-audience tokens are refused; team, metadata and models
 * claims reach routing, usage and the model check.
 */
class JwtGatewayIT {
    @TempDir
    static Path dir;
    static FakeIdentityProvider idp;
    static FakeUpstream upstream;
    static GatewayFixture gateway;
    static LogCapture logs;
    static final List<String> secrets = new CopyOnWriteArrayList<>(List.of(GatewayFixture.KEY, GatewayFixture.UPSTREAM_KEY));

    @BeforeAll
    static void start() {
        logs = LogCapture.start();
        idp = FakeIdentityProvider.start();
        upstream = FakeUpstream.start();
        String url = "sqlite:" + dir.resolve("store.db");
        try (Store store = Store.open(new StoreSettings(url, null, null, 1))) {
            store.teams().create("admin", "restricted", AccessPolicy.OPEN.withAllowedModels(List.of("fake/allowed")));
        }
        gateway = GatewayFixture.withYaml("""
                version: 1
                server: { listen: 127.0.0.1:0, event_loops: 1 }
                store: { url: "%s", key_refresh: 100ms }
                jwt:
                  issuer: %s
                  audience: [%s]
                  jwks_url: %s
                  claims: { name: sub, team: team, metadata: [tier], models: models }
                providers:
                  - { name: fake, type: openai, base_url: %s, api_key: %s }
                keys:
                  - { name: tester, key: %s }
                routes:
                  - name: auto
                    rules:
                      - when: { key.team: research }
                        targets: [fake/research-model]
                      - when: { key.metadata.tier: gold }
                        targets: [fake/gold-model]
                      - targets: [fake/default-model]
                """.formatted(url, FakeIdentityProvider.ISSUER, FakeIdentityProvider.AUDIENCE, idp.jwksUrl(),
                upstream.baseUrl(), GatewayFixture.UPSTREAM_KEY, GatewayFixture.KEY));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
        idp.close();
        logs.close();
    }

    @BeforeEach
    void clear() {
        upstream.reset();
        gateway.usage().clear();
    }

    @AfterEach
    void noSecretsLogged() {
        logs.assertContainsNone(secrets);
    }

    static String token(JWTClaimsSet claims) {
        String t = idp.sign(claims);
        secrets.add(t);
        return t;
    }

    static HttpResponse<String> call(String credential, String model) {
        HttpResponse<String> res = GovHttp.chat(gateway, credential, model);
        GovHttp.assertNoSecretIn(res, secrets);
        return res;
    }

    static UsageEvent eventFor(HttpResponse<String> res) {
        String id = res.headers().firstValue("x-request-id").orElseThrow();
        GovHttp.await("usage event " + id, Duration.ofSeconds(5),
                () -> gateway.usage().events().stream().anyMatch(e -> id.equals(e.requestId())));
        return gateway.usage().events().stream().filter(e -> id.equals(e.requestId())).findFirst().orElseThrow();
    }

    @Test
    void aValidTokenIsServedAndRecordedUnderItsSubject() {
        HttpResponse<String> res = call(token(validClaims("alice").build()), "auto");

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(eventFor(res).keyName()).isEqualTo("alice");
        assertThat(upstream.lastRequest().header("authorization")).isEqualTo("Bearer " + GatewayFixture.UPSTREAM_KEY);
        assertThat(idp.jwksFetches()).isPositive();
    }

    @Test
    void anExpiredTokenIsRefused() {
        Instant past = Instant.now().minusSeconds(3600);
        String expired = token(validClaims("bob").issueTime(Date.from(past.minusSeconds(60)))
                .notBeforeTime(Date.from(past.minusSeconds(60))).expirationTime(Date.from(past)).build());

        assertError(call(expired, "auto"), 401, "authentication_error", "invalid_api_key");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        String foreign = token(validClaims("carol").audience("someone-else").build());

        assertError(call(foreign, "auto"), 401, "authentication_error", "invalid_api_key");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void aTamperedSignatureIsRefused() {
        String good = token(validClaims("dave").build());
        String[] parts = good.split("\\.");
        String forged = parts[0] + "." + FakeIdentityProvider.base64Url("{\"iss\":\"" + FakeIdentityProvider.ISSUER
                + "\",\"aud\":\"" + FakeIdentityProvider.AUDIENCE + "\",\"sub\":\"admin\",\"exp\":"
                + (Instant.now().getEpochSecond() + 3600) + "}") + "." + parts[2];

        assertError(call(forged, "auto"), 401, "authentication_error", "invalid_api_key");
    }

    @Test
    void theTeamClaimRoutesAndIsRecorded() {
        HttpResponse<String> res = call(token(validClaims("erin").claim("team", "research").build()), "auto");

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(upstream.lastRequest().json().path("model").asText()).isEqualTo("research-model");
        UsageEvent e = eventFor(res);
        assertThat(e.team()).isEqualTo("research");
        assertThat(e.keyName()).isEqualTo("erin");
    }

    @Test
    void aMetadataClaimRoutesAndOtherCallersTakeTheDefault() {
        HttpResponse<String> gold = call(token(validClaims("frank").claim("tier", "gold").build()), "auto");
        assertThat(gold.statusCode()).as(gold.body()).isEqualTo(200);
        assertThat(upstream.lastRequest().json().path("model").asText()).isEqualTo("gold-model");

        HttpResponse<String> plain = call(token(validClaims("grace").claim("tier", "silver").build()), "auto");
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(upstream.lastRequest().json().path("model").asText()).isEqualTo("default-model");
    }

    @Test
    void theModelsClaimLimitsWhatTheCallerMayUse() {
        String limited = token(validClaims("heidi").claim("models", List.of("fake/allowed")).build());

        assertThat(call(limited, "fake/allowed").statusCode()).isEqualTo(200);
        assertError(call(limited, "auto"), 403, "permission_error", "model_not_allowed");
    }

    @Test
    void aTeamClaimNamingAStoreTeamGetsThatTeamsModelList() {
        String member = token(validClaims("ivan").claim("team", "restricted").build());

        HttpResponse<String> ok = call(member, "fake/allowed");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(eventFor(ok).team()).isEqualTo("restricted");
        assertError(call(member, "auto"), 403, "permission_error", "model_not_allowed");
    }

    @Test
    void configKeysStillWorkNextToTokens() {
        assertThat(call(GatewayFixture.KEY, "auto").statusCode()).isEqualTo(200);
    }
}

package dev.switchboard.e2e;

import dev.switchboard.testing.FakeAnthropicUpstream;
import dev.switchboard.testing.FakeUpstream;
import dev.switchboard.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BiFunction;

/**
 * An OpenAI and an Anthropic fake behind two gateways of one config, one on the fast lane and one on Vert.x's
 * (the stage suites run every case on both), with a raw POST in either client dialect.
 */
final class TwoLaneGateways implements AutoCloseable {
    final FakeUpstream openAi = FakeUpstream.start();
    final FakeAnthropicUpstream anthropic = FakeAnthropicUpstream.start();
    final GatewayFixture fastLane;
    final GatewayFixture vertxLane;

    /** @param yaml the config for these fakes, with {@code fast_lane} as given */
    TwoLaneGateways(BiFunction<TwoLaneGateways, Boolean, String> yaml) {
        fastLane = GatewayFixture.withYaml(yaml.apply(this, true));
        vertxLane = GatewayFixture.withYaml(yaml.apply(this, false));
    }

    GatewayFixture gateway(boolean fast) {
        return fast ? fastLane : vertxLane;
    }

    /** Forgets what the fakes received and the usage the gateways recorded (between tests). */
    void reset() {
        openAi.reset();
        anthropic.reset();
        fastLane.usage().clear();
        vertxLane.usage().clear();
    }

    /** A POST with the key where the path's dialect carries it (x-api-key for /v1/messages, else a bearer token). */
    HttpResponse<String> post(boolean fast, String key, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway(fast).baseUrl() + path))
                .timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        b = path.startsWith("/v1/messages") ? b.header("x-api-key", key).header("anthropic-version", "2023-06-01")
                : b.header("authorization", "Bearer " + key);
        return gateway(fast).send(b.build());
    }

    @Override
    public void close() {
        fastLane.close();
        vertxLane.close();
        anthropic.close();
        openAi.close();
    }
}

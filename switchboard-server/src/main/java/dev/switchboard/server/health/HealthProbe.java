package dev.switchboard.server.health;

import dev.switchboard.adapters.ChatAdapters;
import dev.switchboard.config.HealthCheckConfig;
import dev.switchboard.ingress.openai.OpenAiIngress;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamErrorMapper;
import dev.switchboard.provider.UpstreamRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import dev.switchboard.server.wire.HeaderNames;
import dev.switchboard.server.upstream.UpstreamSigner;
import dev.switchboard.server.upstream.UpstreamAddress;

/**
 * One active health check of a provider: {@code models} is {@code GET <base_url>/models} with the provider's
 * credential (OpenAI-compatible and Gemini providers answer it without spending tokens); {@code chat} sends a
 * one-token completion through the provider's own adapter, so it works for every dialect. Never throws: a failure
 * is a result, with a message that carries no secret.
 */
final class HealthProbe {
    /** The outcome of one check; {@code latencyMillis} is -1 when no answer came. */
    public record Result(boolean healthy, long latencyMillis, String error) {}

    private final HttpClient client;
    private final UpstreamSigner signer;

    public HealthProbe(HttpClient client) {
        this.client = client;
        this.signer = new UpstreamSigner(client);
    }

    public Future<Result> check(ProviderEndpoint p, HealthCheckConfig hc) {
        long start = System.nanoTime();
        Future<UpstreamRequest> request;
        try {
            request = request(p, hc);
        } catch (RuntimeException e) {
            return Future.succeededFuture(new Result(false, -1, "cannot build the check: " + e.getMessage()));
        }
        return request.compose(up -> send(up, hc)).transform(ar -> {
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (ar.failed()) {
                return Future.succeededFuture(new Result(false, -1, describe(p, ar.cause())));
            }
            Answer a = ar.result();
            if (a.status() / 100 == 2) {
                return Future.succeededFuture(new Result(true, ms, ""));
            }
            String message = UpstreamErrorMapper.map(p, a.status(), null, a.body()).getMessage();
            return Future.succeededFuture(new Result(false, ms, message));
        });
    }

    private record Answer(int status, byte[] body) {}

    private Future<UpstreamRequest> request(ProviderEndpoint p, HealthCheckConfig hc) {
        UpstreamRequest built;
        if (hc.kind() == HealthCheckConfig.Kind.MODELS) {
            built = new UpstreamRequest("GET", p.baseUrl() + "/models", Map.copyOf(p.headers()), null);
        } else {
            byte[] body = ("{\"model\":\"" + hc.model().replace("\"", "") + "\",\"max_tokens\":1,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}").getBytes(StandardCharsets.UTF_8);
            ChatAdapter adapter = ChatAdapters.forProvider(p);
            built = adapter.toUpstream(OpenAiIngress.INSTANCE.decode(Operation.CHAT, body), p, hc.model(), false);
        }
        return signer.sign(p, built);
    }

    private Future<Answer> send(UpstreamRequest up, HealthCheckConfig hc) {
        RequestOptions options = UpstreamAddress.apply(new RequestOptions(), up.url())
                .setMethod(HttpMethod.valueOf(up.method()))
                .setConnectTimeout(hc.timeout().toMillis())
                .setIdleTimeout(hc.timeout().toMillis());
        up.headers().forEach((k, v) -> options.putHeader(HeaderNames.of(k), v));
        options.putHeader(HeaderNames.USER_AGENT, HeaderNames.USER_AGENT_VALUE);
        return client.request(options)
                .compose(req -> up.body() == null ? req.send() : req.send(Buffer.buffer(up.body())))
                .compose(res -> res.body().map(b -> new Answer(res.statusCode(), b.getBytes())))
                .timeout(hc.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private static String describe(ProviderEndpoint p, Throwable cause) {
        if (cause instanceof java.util.concurrent.TimeoutException) {
            return "no answer within the check's timeout";
        }
        if (cause instanceof dev.switchboard.error.GatewayException g) {
            return g.getMessage();
        }
        String m = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (p.apiKey() != null && !p.apiKey().value().isEmpty()) {
            m = m.replace(p.apiKey().value(), "***");
        }
        return "unreachable: " + m;
    }
}

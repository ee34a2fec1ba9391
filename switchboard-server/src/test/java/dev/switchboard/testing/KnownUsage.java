package dev.switchboard.testing;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chat answers from a {@link FakeUpstream} that report a chosen usage after a short delay (so answers overlap
 * like real calls), and count how many requests the upstream held at once.
 */
public final class KnownUsage {
    private final Vertx vertx;
    private final String body;
    private final Duration delay;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    public KnownUsage(Vertx vertx, long promptTokens, long completionTokens, Duration delay) {
        this.vertx = vertx;
        this.delay = delay;
        this.body = """
                {"id":"chatcmpl-known","object":"chat.completion","created":1,"model":"gpt-4o",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}
                """.formatted(promptTokens, completionTokens, promptTokens + completionTokens);
    }

    /** Scripts the next {@code n} upstream requests with this answer. */
    public void enqueue(FakeUpstream upstream, int n) {
        for (int i = 0; i < n; i++) {
            upstream.enqueue(this::answer);
        }
    }

    private void answer(io.vertx.core.http.HttpServerRequest req, io.vertx.core.buffer.Buffer ignored) {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        vertx.setTimer(Math.max(1, delay.toMillis()), id -> {
            inFlight.decrementAndGet();
            req.response().putHeader("content-type", "application/json").end(body);
        });
    }

    /** The most requests the upstream held at one time. */
    public int maxInFlight() {
        return maxInFlight.get();
    }
}

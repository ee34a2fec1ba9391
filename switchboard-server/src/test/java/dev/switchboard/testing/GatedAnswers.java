package dev.switchboard.testing;

import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chat answers from a {@link FakeUpstream} that are held until {@link #release()}, so the gateway's
 * reservations stay in place while a test fires more requests. Each answer reports 11 prompt tokens
 * (3 cached) and 7 completion tokens (2 reasoning), like the default simulator.
 */
public final class GatedAnswers {
    public static final String BODY = """
            {"id":"chatcmpl-gated","object":"chat.completion","created":1,"model":"gpt-4o",
             "choices":[{"index":0,"message":{"role":"assistant","content":"held"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18,
                      "prompt_tokens_details":{"cached_tokens":3},"completion_tokens_details":{"reasoning_tokens":2}}}
            """;

    private final Promise<Void> gate = Promise.promise();
    private final AtomicInteger held = new AtomicInteger();

    /** A behaviour that parks the request until released (enqueue one per request to hold). */
    public FakeUpstream.Behavior behavior() {
        return (req, body) -> {
            held.incrementAndGet();
            gate.future().onComplete(v -> req.response().setStatusCode(200)
                    .putHeader("content-type", "application/json").end(BODY));
        };
    }

    /** Requests parked so far. */
    public int held() {
        return held.get();
    }

    public void release() {
        gate.tryComplete();
    }
}

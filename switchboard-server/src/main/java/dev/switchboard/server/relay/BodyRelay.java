package dev.switchboard.server.relay;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.server.call.Exchange;
import dev.switchboard.server.call.Guard;
import dev.switchboard.server.call.UpstreamCall;
import dev.switchboard.server.upstream.UpstreamResponse;
import io.vertx.core.Future;
import java.util.function.Function;

/**
 * Reads a whole (non-stream) upstream body for an attempt ({@link BodyAttempt}) and reports what it is: a canonical
 * answer (translated from the provider's dialect, content-filter refusals and missing usage handled), a pass-through's
 * answer or error as it came, or the provider's error for classification. An answer is held up to the provider's
 * {@code max_response_body}, an error body up to 64 KiB. Writes nothing to the client.
 */
public final class BodyRelay {
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final Guard guard;
    private final Function<Exchange, Future<Long>> inputTokens;

    public BodyRelay(Guard guard, Function<Exchange, Future<Long>> inputTokens) {
        this.guard = guard;
        this.inputTokens = inputTokens;
    }

    /** A successful answer in the provider's dialect: translated to the canonical shape. */
    public void answer(BodyAttempt attempt, UpstreamCall call, UpstreamResponse upstream) {
        Exchange ex = attempt.ex();
        BodyCollector collected = answerCollector(ex);
        upstream.handler(b -> {
            call.activity(); // each piece moves the idle deadline, as for streams
            if (!collected.overflowed() && !collected.add(b)) {
                tooLarge(ex, call, attempt);
            }
        });
        upstream.exceptionHandler(err -> attempt.fail(call.failure(err), null));
        upstream.endHandler(v -> guard.guarded(ex, () -> {
            if (ex.isFinished() || collected.overflowed()) {
                return;
            }
            call.complete();
            byte[] bytes = collected.bytes();
            ChatAdapter.Answer answer;
            try {
                answer = attempt.adapter().fromUpstream(ex.request, ex.target.provider(), ex.target.upstreamModel(), bytes);
                if (attempt.contentFilterFallback() && ContentFilter.refused(answer.body())) {
                    attempt.fail(ContentFilter.refusal(ex.target.provider().name()), null);
                    return;
                }
            } catch (GatewayException e) {
                attempt.fail(e, null);
                return;
            }
            String type = upstream.getHeader("content-type");
            if (!EstimatedUsage.needed(ex, answer)) {
                attempt.answer(answer, bytes, collected.buffer(), type);
                return;
            }
            inputTokens.apply(ex).onComplete(estimate -> guard.guarded(ex, () -> {
                if (ex.isFinished()) {
                    return; // the client left while the input was counted (its close handler settled the attempt)
                }
                // without an estimate (the estimator failed) the answer goes out as the provider gave it
                ChatAdapter.Answer out = estimate.succeeded() ? EstimatedUsage.apply(ex, answer, estimate.result()) : answer;
                attempt.answer(out, bytes, collected.buffer(), type);
            }));
        }));
    }

    /** A pass-through's whole answer or error: it goes back as the provider sent it. */
    public void nativeAnswer(BodyAttempt attempt, UpstreamCall call, UpstreamResponse upstream) {
        Exchange ex = attempt.ex();
        boolean ok = upstream.statusCode() / 100 == 2;
        BodyCollector collected = ok ? answerCollector(ex) : new BodyCollector(MAX_ERROR_BODY);
        upstream.handler(b -> {
            call.activity();
            if (!collected.overflowed() && !collected.add(b) && ok) {
                tooLarge(ex, call, attempt);
            }
        });
        upstream.exceptionHandler(err -> attempt.fail(call.failure(err), null));
        upstream.endHandler(v -> guard.guarded(ex, () -> {
            if (ex.isFinished() || (ok && collected.overflowed())) {
                return;
            }
            call.complete();
            byte[] bytes = collected.bytes();
            String type = upstream.getHeader("content-type");
            if (ok) {
                attempt.nativeAnswer(collected.buffer(), type, attempt.passthrough().usage(bytes));
                return;
            }
            String retryAfter = upstream.getHeader("retry-after");
            GatewayException e = attempt.adapter().toError(ex.target.provider(), upstream.statusCode(), retryAfter, bytes);
            // not the dialect's error shape, or about the gateway's own account: the client gets the gateway's error
            if (attempt.passthrough().relayableError(bytes)) {
                attempt.nativeError(e, bytes, upstream.statusCode(), collected.buffer(), type, retryAfter);
            } else {
                attempt.fail(e, bytes);
            }
        }));
    }

    /** An error answer in the provider's dialect: mapped to the gateway's error, its body kept for classification. */
    public void error(BodyAttempt attempt, UpstreamCall call, UpstreamResponse upstream) {
        Exchange ex = attempt.ex();
        BodyCollector collected = new BodyCollector(MAX_ERROR_BODY);
        upstream.handler(b -> {
            call.activity();
            collected.add(b);
        });
        upstream.exceptionHandler(err -> attempt.fail(call.failure(err), null));
        upstream.endHandler(v -> guard.guarded(ex, () -> {
            call.complete();
            byte[] bytes = collected.bytes();
            attempt.fail(attempt.adapter().toError(ex.target.provider(), upstream.statusCode(),
                    upstream.getHeader("retry-after"), bytes), bytes);
        }));
    }

    /** A whole answer is gathered up to the provider's {@code max_response_body}; past it, all is dropped. */
    private static BodyCollector answerCollector(Exchange ex) {
        return new BodyCollector(ex.target.provider().limits().maxResponseBytes(), false);
    }

    /** The answer outgrew {@code max_response_body}: 502 (or the next target), and the upstream request is closed. */
    private static void tooLarge(Exchange ex, UpstreamCall call, BodyAttempt attempt) {
        int limit = ex.target.provider().limits().maxResponseBytes();
        // answer first: the reset below fails the body, whose handler would report a broken connection instead
        attempt.fail(new GatewayException(ErrorKind.UPSTREAM_SERVER_ERROR, "The answer of provider '"
                + attempt.target().provider().name() + "' is larger than its max_response_body (" + limit + " bytes)."), null);
        call.cancel();
    }
}

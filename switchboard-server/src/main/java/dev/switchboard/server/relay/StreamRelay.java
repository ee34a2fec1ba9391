package dev.switchboard.server.relay;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.server.call.ClientOutcomes;
import dev.switchboard.server.call.Exchange;
import dev.switchboard.server.call.UpstreamCall;
import dev.switchboard.server.upstream.UpstreamResponse;
import dev.switchboard.usage.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;
import dev.switchboard.server.wire.ClientSide;

/**
 * The shared life of a relayed stream: bytes go to the client as they arrive, the upstream pauses while the
 * client's write queue is full, a provider that said its last word ends the client's stream while the upstream body
 * is still read to its end (so its connection can be reused), and anything broken on the way (dropped connection,
 * timeout, unparseable bytes, a stream that never finished) ends with one error event of the gateway's, never a
 * fake end marker. Subclasses decide what each upstream read becomes. Confined to the exchange's event loop.
 */
public abstract class StreamRelay {
    protected final Exchange ex;
    private final UpstreamCall call;
    private final ClientSide client;
    private final Runnable onFinish;
    private boolean ended;
    private long relayedBytes;
    private java.util.function.Predicate<GatewayException> beforeFirstByte;

    StreamRelay(Exchange ex, UpstreamCall call, ClientSide client, Runnable onFinish) {
        this.ex = ex;
        this.call = call;
        this.client = client;
        this.onFinish = onFinish;
    }

    /** What one upstream read becomes for the client (null: nothing yet). Throws IllegalStateException on bytes it cannot parse. */
    protected abstract Buffer relay(Buffer upstreamBytes);

    /** An error the gateway must end the stream with (e.g. the provider's error event, translated), or null. */
    protected abstract GatewayException failure();

    /** An error the provider sent and the client already got as it came (the stream just ends), or null. */
    protected GatewayException relayedError() {
        return null;
    }

    /** The provider said its last word. */
    protected abstract boolean endedByProvider();

    /** The stream finished properly and nothing is left half-parsed, judged when the upstream body ends. */
    protected abstract boolean complete();

    protected abstract Usage usage();

    /** Bytes held back for the end of a normal stream. */
    protected void onEnd(Consumer<byte[]> out) {
    }

    protected abstract String contentType(UpstreamResponse upstream);

    /**
     * Who may take over a failure that happens before any byte reached the client (e.g. retry or fall back): when it
     * answers true the stream is left to it, unanswered.
     */
    public StreamRelay onFailureBeforeFirstByte(java.util.function.Predicate<GatewayException> recovery) {
        this.beforeFirstByte = recovery;
        return this;
    }

    /** An extension of the reservation is being asked for: the upstream stays paused until it is answered. */
    private boolean awaitingAllowance;

    public void start(UpstreamResponse upstream) {
        client.putHeader("content-type", contentType(upstream));
        client.putHeader("cache-control", "no-cache");
        client.putHeader("x-accel-buffering", "no");
        client.startChunked(200);
        ex.status = 200;
        upstream.handler(buf -> {
            if (ended) {
                return;
            }
            call.activity();
            Buffer out;
            try {
                out = relay(buf);
            } catch (IllegalStateException e) {
                fail(new GatewayException(ErrorKind.UPSTREAM_STREAM_BROKEN, "The upstream stream could not be parsed."));
                call.cancel();
                return;
            } catch (RuntimeException | Error e) { // OutOfMemoryError too: end the stream, never leave it open
                fail(new GatewayException(ErrorKind.INTERNAL, "The gateway failed to relay the stream."));
                call.cancel();
                return;
            }
            if (out != null && out.length() > 0) {
                if (ex.firstTokenNanos < 0) {
                    ex.firstTokenNanos = System.nanoTime();
                }
                client.write(out);
                relayedBytes += out.length();
                if (ex.allowance != null) {
                    checkAllowance(upstream);
                    if (ended) { // no room left: the stream was stopped (the answer can come at once)
                        return;
                    }
                }
            }
            GatewayException relayed = relayedError();
            GatewayException failure = failure();
            if (failure != null) {
                // fail first: cancelling resets the upstream, whose exception handler would otherwise end the
                // stream as a broken connection and hide the provider's own error (e.g. overloaded)
                fail(failure);
                call.cancel();
            } else if (relayed != null) {
                ex.errorType = relayed.kind().code();
                finish();
                call.cancel();
            } else if (endedByProvider()) {
                finish();
            } else if (client.writeQueueFull()) {
                upstream.pause();
                call.clientPaused(true); // the wait is the client's: it must not count as the provider's idle time
                client.drainHandler(() -> {
                    call.clientPaused(false);
                    if (!awaitingAllowance) {
                        upstream.resume();
                    }
                });
            }
        });
        upstream.endHandler(v -> {
            call.complete();
            if (ended) {
                return;
            }
            if (!complete()) {
                fail(new GatewayException(ErrorKind.UPSTREAM_STREAM_BROKEN, "The stream from provider '"
                        + ex.target.provider().name() + "' ended before it was complete."));
                return;
            }
            finish();
        });
        // a timeout resets the upstream, so either handler may see it first
        upstream.exceptionHandler(err -> failOrStall(err));
        call.onTimeout(() -> failOrStall(null));
    }

    private void failOrStall(Throwable err) {
        if (call.clientStalled()) {
            clientTooSlow();
        } else {
            fail(call.failure(err));
        }
    }

    /**
     * The client left the stream unread longer than the idle timeout: it ends (the error event is queued, though the
     * client may never read it), recorded as the client's doing, so no provider's breaker or statistics hear of it.
     */
    private void clientTooSlow() {
        GatewayException e = call.failure(null);
        if (ended) {
            return;
        }
        ended = true;
        ex.errorType = ClientOutcomes.CLIENT_TOO_SLOW;
        ex.usage = usage();
        if (!client.closed() && !client.ended()) {
            client.endChunked(Buffer.buffer(ex.dialect.encodeStreamError(e)));
        }
        onFinish.run();
    }

    /**
     * A stream that outgrew its reservation and finds no room left is stopped with a clear error event. While the
     * counters are asked for more, the upstream is paused: nothing beyond what is held goes out before the answer
     * (an answer coming back a round trip later would otherwise let a fast stream run through its cap).
     */
    private void checkAllowance(UpstreamResponse upstream) {
        io.vertx.core.Future<Boolean> more = ex.allowance.check(relayedBytes);
        if (more != null) {
            more.onSuccess(ok -> {
                if (!ok && !ended) {
                    fail(new GatewayException(ErrorKind.BUDGET_EXCEEDED, 429,
                            "The stream was stopped: a limit or budget of this key has no room left.", null, null));
                    call.cancel();
                }
            });
            if (!more.isComplete()) {
                awaitingAllowance = true;
                upstream.pause();
                more.onComplete(ar -> {
                    awaitingAllowance = false;
                    if (!ended && !client.writeQueueFull()) {
                        upstream.resume();
                    }
                });
            }
        }
    }

    /** Ends the client stream normally, with the usage the provider reported. */
    private void finish() {
        ended = true;
        ex.usage = usage();
        Buffer tail = Buffer.buffer();
        onEnd(tail::appendBytes);
        client.endChunked(tail.length() > 0 ? tail : null);
        onFinish.run();
    }

    /** Ends the client stream with one error event (never a fake finish or end marker). */
    private void fail(GatewayException e) {
        if (ended) {
            return;
        }
        ended = true;
        if (relayedBytes == 0 && beforeFirstByte != null && !client.headWritten() && beforeFirstByte.test(e)) {
            return; // nothing went out yet: another attempt answers instead
        }
        ex.errorType = e.kind().code();
        ex.usage = usage();
        if (!client.closed() && !client.ended()) {
            client.endChunked(Buffer.buffer(ex.dialect.encodeStreamError(e)));
        }
        onFinish.run();
    }
}

package dev.switchboard.server;

import dev.switchboard.access.ClientKey;
import dev.switchboard.access.ModelPolicy;
import dev.switchboard.access.Quota;
import dev.switchboard.cache.semantic.EmbeddingCalls;
import dev.switchboard.model.Operation;
import dev.switchboard.server.call.Exchange;
import dev.switchboard.server.engine.ModelCallHandler;
import dev.switchboard.server.engine.OutcomeRecorder;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The semantic cache's embeddings, made by the gateway's own {@code /v1/embeddings} path in process: each call is an
 * exchange of its own on one of the data plane's event loops, handled by that loop's {@link ModelCallHandler} as a
 * client's would be (model policy, routing, stages, admission, the provider's adapter and key, retries, fallbacks,
 * breakers), with an {@link InternalClientSide} instead of a connection. Its caller is {@link #CALLER}: the calls
 * are counted under that key in limits (the per-key default limits, the route's and the model's) and recorded in the
 * usage ledger and access log with their tokens and cost, so what the cache spends on embeddings is visible.
 */
final class InternalEmbeddings implements EmbeddingCalls {
    /**
     * The internal caller, no quota of its own. Its id's {@code internal:} prefix keeps its counters apart from every
     * configured ({@code cfg:}) or stored key's; its name is what the ledger and the access log show.
     */
    static final ClientKey CALLER = new ClientKey("internal:semantic-cache", "switchboard:semantic-cache", null,
            Map.of(), ModelPolicy.ALL, Quota.NONE, ModelPolicy.ALL, Quota.NONE, null);

    private record Loop(Context context, ModelCallHandler models) {}

    private final SnapshotHolder snapshots;
    private final OutcomeRecorder recorder;
    private final List<Loop> loops = new CopyOnWriteArrayList<>();
    private final AtomicInteger turn = new AtomicInteger();

    InternalEmbeddings(SnapshotHolder snapshots, OutcomeRecorder recorder) {
        this.snapshots = snapshots;
        this.recorder = recorder;
    }

    /** An event loop of the data plane, with its handler: calls may run there from now on. */
    void add(Context context, ModelCallHandler models) {
        loops.add(new Loop(context, models));
    }

    void remove(Context context) {
        loops.removeIf(l -> l.context() == context);
    }

    @Override
    public CompletableFuture<Answer> embed(byte[] body, Duration timeout) {
        Loop loop = pick();
        if (loop == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("the data plane is not running"));
        }
        CompletableFuture<Answer> out = new CompletableFuture<>();
        // a task of its own even on the caller's loop: the call never starts inside another exchange's stage
        loop.context().runOnContext(v -> start(loop, body, timeout, out));
        return out;
    }

    /** The caller's own loop when it is one of ours (no hop), else the next in turn. */
    private Loop pick() {
        Context current = Vertx.currentContext();
        Loop any = null;
        int n = loops.size();
        int start = n == 0 ? 0 : Math.floorMod(turn.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Loop l = loops.get((start + i) % n);
            if (l.context() == current) {
                return l;
            }
            if (any == null) {
                any = l;
            }
        }
        return any;
    }

    /** On the loop: a new exchange, handled as a client's {@code POST /v1/embeddings}. */
    private void start(Loop loop, byte[] body, Duration timeout, CompletableFuture<Answer> out) {
        InternalClientSide client = new InternalClientSide(out);
        Exchange ex = RequestIds.open(client, snapshots.get());
        ex.operation(LaneCalls.operationName(Operation.EMBEDDINGS));
        ex.key(CALLER);
        Vertx vertx = loop.context().owner();
        long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> client.abandon());
        out.whenComplete((a, e) -> vertx.cancelTimer(timer));
        recorder.guarded(ex, () -> loop.models().handle(ex, Operation.EMBEDDINGS, body));
    }
}

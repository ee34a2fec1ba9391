package dev.switchboard.server;

import dev.switchboard.server.engine.OutcomeRecorder;
import dev.switchboard.server.engine.ModelCallHandler;
import dev.switchboard.server.call.Exchange;
import dev.switchboard.error.GatewayException;
import dev.switchboard.ingress.anthropic.AnthropicIngress;
import dev.switchboard.model.Operation;
import java.util.function.Consumer;
import dev.switchboard.server.lane.FastLane;
import dev.switchboard.server.lane.NettyClientSide;

/**
 * Admits and starts the model calls of the {@link FastLane}: the same steps as on Vert.x's lane, caller first, on the
 * request head (before the lane keeps any body byte).
 */
final class LaneCalls implements FastLane.Calls {
    private final SnapshotHolder snapshots;
    private final OutcomeRecorder recorder;
    private final CallerStep callers;
    private final ModelCallHandler models;

    LaneCalls(SnapshotHolder snapshots, OutcomeRecorder recorder, CallerStep callers, ModelCallHandler models) {
        this.snapshots = snapshots;
        this.recorder = recorder;
        this.callers = callers;
        this.models = models;
    }

    @Override
    public boolean serves(String path) {
        return switch (path) {
            case "/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/messages" -> true;
            default -> false;
        };
    }

    @Override
    public long maxBodyBytes() {
        return snapshots.get().config().server().maxBodyBytes();
    }

    @Override
    public long drainMillis() {
        return snapshots.get().config().server().drainTimeout().toMillis();
    }

    @Override
    public void admit(NettyClientSide client, String path, Runnable onWait, Runnable onResume, Consumer<FastLane.Call> admitted) {
        Exchange ex = RequestIds.open(client, snapshots.get());
        Operation op = switch (path) {
            case "/v1/completions" -> Operation.COMPLETIONS;
            case "/v1/embeddings" -> Operation.EMBEDDINGS;
            default -> Operation.CHAT;
        };
        if (path.equals("/v1/messages")) {
            ex.dialect(AnthropicIngress.INSTANCE);
        }
        ex.operation(operationName(op));
        Call call = new Call(ex, op);
        recorder.guarded(ex, () -> callers.then(ex, onWait, onResume, () -> admitted.accept(call)));
    }

    /** A call whose caller was found; it runs when its body is in. */
    private final class Call implements FastLane.Call {
        private final Exchange ex;
        private final Operation op;

        Call(Exchange ex, Operation op) {
            this.ex = ex;
            this.op = op;
        }

        @Override
        public NettyClientSide client() {
            return (NettyClientSide) ex.client();
        }

        @Override
        public void start(byte[] body) {
            recorder.guarded(ex, () -> models.handle(ex, op, body));
        }

        @Override
        public void refuse(GatewayException e) {
            recorder.fail(ex, e);
        }
    }

    /** The operation's name in metrics, usage and the access log. */
    static String operationName(Operation op) {
        return switch (op) {
            case CHAT -> "chat";
            case COMPLETIONS -> "text_completion";
            case EMBEDDINGS -> "embeddings";
        };
    }
}

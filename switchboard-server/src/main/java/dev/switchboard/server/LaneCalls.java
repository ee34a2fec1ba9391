package dev.switchboard.server;

import dev.switchboard.ingress.anthropic.AnthropicIngress;
import dev.switchboard.model.Operation;

/** Starts the model calls the {@link FastLane} gathered: the same steps as on Vert.x's lane, caller first. */
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
    public void start(NettyClientSide client, String path, byte[] body) {
        Exchange ex = RequestIds.open(client, snapshots.get());
        Operation op = switch (path) {
            case "/v1/completions" -> Operation.COMPLETIONS;
            case "/v1/embeddings" -> Operation.EMBEDDINGS;
            default -> Operation.CHAT;
        };
        if (path.equals("/v1/messages")) {
            ex.dialect = AnthropicIngress.INSTANCE;
        }
        ex.operation = operationName(op);
        recorder.guarded(ex, () -> callers.then(ex, null, null, () -> models.handle(ex, op, body)));
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

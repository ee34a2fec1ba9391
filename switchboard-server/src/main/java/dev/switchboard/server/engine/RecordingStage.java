package dev.switchboard.server.engine;

import dev.switchboard.stage.Stage;
import dev.switchboard.stage.StageCall;
import dev.switchboard.stage.StageOutcome;

/**
 * Today's outcome recording as a stage, the outermost built-in one: its outcome hook runs last, after every other
 * stage's (admission's settlement included), and records the request: metrics, the usage event, the access log line.
 */
final class RecordingStage implements Stage {
    static final String NAME = "recording";

    private final OutcomeRecorder recorder;

    RecordingStage(OutcomeRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void onOutcome(StageCall call, StageOutcome outcome) {
        recorder.record(((StageCallView) call).exchange());
    }
}

package dev.switchboard.cache.stage;

import dev.switchboard.cache.StreamAssembler;
import dev.switchboard.stage.StreamStage;
import dev.switchboard.stream.StreamEvent;
import java.util.function.Consumer;

/** Passes a streamed answer on untouched while assembling it into the whole answer to store (bounded). */
final class AssemblingStream implements StreamStage {
    private final StreamAssembler assembler;

    AssemblingStream(StreamAssembler assembler) {
        this.assembler = assembler;
    }

    @Override
    public void onEvent(StreamEvent event, Consumer<StreamEvent> out) {
        if (!assembler.gaveUp()) {
            assembler.accept(event);
        }
        out.accept(event);
    }
}

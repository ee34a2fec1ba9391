package dev.switchboard.testing.stages;

import dev.switchboard.stage.StreamStage;
import dev.switchboard.stream.StreamEvent;
import java.util.function.Consumer;

/**
 * Replaces a word in streamed text even when the provider splits it across chunks: the tail that could be the
 * start of the word is held back (one event of look-ahead) until the next text shows whether it is.
 */
final class TextReplacingStream implements StreamStage {
    private final String find;
    private final String replace;
    private final StringBuilder held = new StringBuilder();
    private int heldChoice;
    private boolean holding;

    TextReplacingStream(String find, String replace) {
        this.find = find;
        this.replace = replace;
    }

    @Override
    public void onEvent(StreamEvent event, Consumer<StreamEvent> out) {
        if (event instanceof StreamEvent.TextDelta t) {
            if (holding && t.choice() != heldChoice) {
                flush(out);
            }
            held.append(t.text());
            heldChoice = t.choice();
            holding = true;
            String all = held.toString().replace(find, replace);
            int keep = partialTail(all);
            String ready = all.substring(0, all.length() - keep);
            held.setLength(0);
            held.append(all, all.length() - keep, all.length());
            if (!ready.isEmpty()) {
                out.accept(new StreamEvent.TextDelta(t.choice(), ready));
            }
            holding = held.length() > 0;
            return;
        }
        flush(out); // anything else (a finish, a tool call) comes after the text before it
        out.accept(event);
    }

    @Override
    public void onEnd(Consumer<StreamEvent> out) {
        flush(out);
    }

    @Override
    public int lookahead() {
        return 1;
    }

    private void flush(Consumer<StreamEvent> out) {
        if (holding && held.length() > 0) {
            out.accept(new StreamEvent.TextDelta(heldChoice, held.toString()));
        }
        held.setLength(0);
        holding = false;
    }

    /** How many characters at the end could begin {@code find}. */
    private int partialTail(String s) {
        for (int n = Math.min(find.length() - 1, s.length()); n > 0; n--) {
            if (find.startsWith(s.substring(s.length() - n))) {
                return n;
            }
        }
        return 0;
    }
}

package dev.switchboard.routing.condition;

import java.util.function.BiConsumer;

/** Collects parse problems and remembers whether any were seen, so a broken branch can be replaced by NEVER. */
final class Problems {
    private final BiConsumer<String, String> sink;
    private int count;

    Problems(BiConsumer<String, String> sink) {
        this.sink = sink;
    }

    void report(String path, String message) {
        count++;
        sink.accept(path, message);
    }

    int count() {
        return count;
    }
}

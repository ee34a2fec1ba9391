package dev.switchboard.server.call;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the deadlines of one event loop's upstream calls on a short periodic tick, so a request costs a list
 * insert and removal rather than a timer of its own. Timeouts fire within one tick of their deadline.
 * Confined to its event loop.
 */
public final class DeadlineSweeper {
    static final long TICK_MS = 25;

    /** Something with deadlines; {@link #check} runs on every tick while registered. */
    interface Watched {
        void check(long nowNanos);

        int slot();

        void slot(int slot);
    }

    private final List<Watched> active = new ArrayList<>();
    private final Vertx vertx;
    private long timerId = -1;

    public DeadlineSweeper(Vertx vertx) {
        this.vertx = vertx;
    }

    void add(Watched w) {
        w.slot(active.size());
        active.add(w);
        if (timerId < 0) {
            timerId = vertx.setPeriodic(TICK_MS, id -> sweep());
        }
    }

    void remove(Watched w) {
        int slot = w.slot();
        if (slot < 0 || slot >= active.size() || active.get(slot) != w) {
            return;
        }
        Watched last = active.remove(active.size() - 1);
        if (last != w) {
            active.set(slot, last);
            last.slot(slot);
        }
        w.slot(-1);
    }

    private void sweep() {
        if (active.isEmpty()) {
            vertx.cancelTimer(timerId); // idle: no tick until the next call
            timerId = -1;
            return;
        }
        long now = System.nanoTime();
        // check() may remove entries (the current one or others), so walk from the end.
        for (int i = active.size() - 1; i >= 0; i--) {
            if (i < active.size()) {
                active.get(i).check(now);
            }
        }
    }
}

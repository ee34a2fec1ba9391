package dev.switchboard.server.lane;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of every connection of the gateway's listener (before TLS or HTTP): closes a connection whose
 * request head takes too long to arrive, whose body stalls, or that sits idle between requests, and gives the peer's
 * connection slot back when it closes. Nothing is timed while an answer is being written, so long streams are never
 * cut. {@link HeadGate} reports the HTTP/1 events; an HTTP/2 connection is only counted, not timed.
 *
 * <p>No clock is read per request: one timer per connection ticks at half the shortest limit and closes the
 * connection when nothing changed for as long as the current phase allows (so a limit is enforced within one tick).
 * Event-loop confined.
 */
final class ConnectionGuard extends ChannelDuplexHandler {
    static final String NAME = "switchboard-connection-guard";

    private enum Phase { HEAD, BODY, ANSWERING, IDLE, UNTIMED }

    private final PeerTable table;
    private final PeerTable.Peer peer;
    private final long headNanos;
    private final long bodyNanos;
    private final long idleNanos;
    private final long tickNanos;
    private Phase phase = Phase.HEAD;
    /** Requests whose answer has not ended yet (more than one when a client pipelines). */
    private int open;
    /** Bumped on every change that restarts the current limit; the timer compares it with what it saw last. */
    private int changes;
    private int seen;
    private long quietNanos;
    private ScheduledFuture<?> timer;
    private ChannelHandlerContext ctx;
    private boolean released;
    private final Runnable tickTask = this::tick;

    ConnectionGuard(PeerTable table, PeerTable.Peer peer, FrontDoor.Limits limits) {
        this.table = table;
        this.peer = peer;
        this.headNanos = limits.headNanos();
        this.bodyNanos = limits.bodyNanos();
        this.idleNanos = limits.idleNanos();
        this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(50), Math.min(headNanos, Math.min(bodyNanos, idleNanos)) / 2);
    }

    PeerTable.Peer peer() {
        return peer;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        schedule();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.IDLE) {
            phase = Phase.HEAD; // the next request's first bytes: its head must now arrive in time
            changes++;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof OutOfMemoryError) {
            ctx.close(); // a read buffer could not be allocated: this connection goes, the event loop stays
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    private void release() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (!released) {
            released = true;
            table.close(peer);
        }
    }

    /** A request head arrived (HeadGate); a body follows or not. */
    void headArrived(boolean bodyFollows) {
        open++;
        phase = bodyFollows ? Phase.BODY : Phase.ANSWERING;
        changes++;
    }

    /** Body bytes arrived: the body is not stalled. */
    void bodyProgress() {
        changes++;
    }

    void bodyEnded() {
        if (phase == Phase.BODY) {
            // answered already (a refusal before its body was in): the connection is idle now
            phase = open == 0 ? Phase.IDLE : Phase.ANSWERING;
        }
        changes++;
    }

    /** An answer ended: with none left, the connection is idle until the next request's first byte. */
    void answered() {
        if (open > 0) {
            open--;
        }
        if (open == 0 && phase == Phase.ANSWERING) {
            phase = Phase.IDLE;
            changes++;
        }
    }

    int openAnswers() {
        return open;
    }

    /** HTTP/2: many streams share the connection, which is counted but not timed here. */
    void untimed() {
        phase = Phase.UNTIMED;
    }

    private void schedule() {
        if (!released) {
            timer = ctx.executor().schedule(tickTask, tickNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void tick() {
        timer = null;
        if (released || phase == Phase.UNTIMED) {
            return;
        }
        if (changes != seen) {
            seen = changes;
            quietNanos = 0;
        } else {
            quietNanos += tickNanos;
        }
        long limit = switch (phase) {
            case HEAD -> headNanos;
            // a pipelined request waits, unread, behind earlier answers: only the one being read may stall
            case BODY -> open > 1 ? Long.MAX_VALUE : bodyNanos;
            case IDLE -> idleNanos;
            default -> Long.MAX_VALUE;
        };
        if (quietNanos >= limit) {
            ctx.close();
            return;
        }
        schedule();
    }
}

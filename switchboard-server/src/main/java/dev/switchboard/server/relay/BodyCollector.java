package dev.switchboard.server.relay;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Gathers a provider's whole answer, up to a limit. A typical answer arrives as one piece, which is kept as it came
 * and read without a copy; only a second piece starts a buffer of its own. (Each copy of a body showed in the
 * per-request profile: the piece was copied into the buffer, and out of it again, on every call.)
 */
final class BodyCollector {
    private final int limit;
    private final boolean truncate;
    private Buffer first;
    private Buffer joined;
    private boolean overflowed;

    /**
     * @param limit the most bytes held
     * @param truncate what happens past the limit: true keeps the first {@code limit} bytes (e.g. an error body,
     *                 read only for its message); false drops everything held ({@link #overflowed()})
     */
    BodyCollector(int limit, boolean truncate) {
        this.limit = limit;
        this.truncate = truncate;
    }

    /** Keeps the first {@code limit} bytes, drops the rest. */
    BodyCollector(int limit) {
        this(limit, true);
    }

    /** Adds a piece; false once the answer outgrew the limit (and, unless truncating, everything was let go). */
    boolean add(Buffer piece) {
        if (overflowed) {
            return false;
        }
        int held = joined != null ? joined.length() : first != null ? first.length() : 0;
        if (piece.length() > limit - held) {
            overflowed = true;
            if (truncate) {
                if (held < limit) {
                    append(piece.slice(0, limit - held));
                }
            } else {
                first = null; // an answer too large to relay is not kept in part either
                joined = null;
            }
            return false;
        }
        append(piece);
        return true;
    }

    private void append(Buffer piece) {
        if (joined != null) {
            joined.appendBuffer(piece);
        } else if (first == null) {
            first = piece;
        } else {
            joined = Buffer.buffer(first.length() + piece.length()).appendBuffer(first).appendBuffer(piece);
            first = null;
        }
    }

    /** The answer outgrew the limit. */
    boolean overflowed() {
        return overflowed;
    }

    /** Everything gathered, as a buffer (empty when nothing came). */
    Buffer buffer() {
        return joined != null ? joined : first != null ? first : Buffer.buffer(0);
    }

    /** Everything gathered, as bytes: the piece's own array when one piece filled it exactly, else a copy. */
    byte[] bytes() {
        Buffer all = buffer();
        ByteBuf buf = ((BufferInternal) all).getByteBuf();
        if (buf.hasArray() && buf.arrayOffset() == 0 && buf.readableBytes() == buf.array().length) {
            return buf.array();
        }
        return all.getBytes();
    }
}

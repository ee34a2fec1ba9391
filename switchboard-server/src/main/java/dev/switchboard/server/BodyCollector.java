package dev.switchboard.server;

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
    private Buffer first;
    private Buffer joined;

    /** @param limit pieces that arrive once this many bytes are held are dropped */
    BodyCollector(int limit) {
        this.limit = limit;
    }

    void add(Buffer piece) {
        if (joined != null) {
            if (joined.length() < limit) {
                joined.appendBuffer(piece);
            }
        } else if (first == null) {
            first = piece;
        } else if (first.length() < limit) {
            joined = Buffer.buffer(first.length() + piece.length()).appendBuffer(first).appendBuffer(piece);
            first = null;
        }
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

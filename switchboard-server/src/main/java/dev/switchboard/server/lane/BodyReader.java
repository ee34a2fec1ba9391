package dev.switchboard.server.lane;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/** Reads a request body up to a size limit; a larger one fails with 413 as soon as the limit is passed. */
public final class BodyReader {
    private static final long INITIAL_CAP = 64 * 1024;

    private BodyReader() {}

    public static Future<Buffer> read(HttpServerRequest req, long maxBytes) {
        return read(req, maxBytes, null, null);
    }

    /**
     * As {@link #read(HttpServerRequest, long)}; an HTTP/2 body is also counted in the front door's caps on bodies still
     * arriving (HTTP/1 bodies are counted by the {@link HeadGate} before they get here).
     */
    public static Future<Buffer> read(FrontDoor door, HttpServerRequest req, long maxBytes) {
        if (door == null || req.version() != io.vertx.core.http.HttpVersion.HTTP_2) {
            return read(req, maxBytes, null, null);
        }
        PeerTable.Peer peer = req.connection() instanceof io.vertx.core.http.impl.HttpServerConnection c
                && c.channelHandlerContext().pipeline().get(ConnectionGuard.NAME) instanceof ConnectionGuard g ? g.peer() : null;
        return read(req, maxBytes, door.peers, peer);
    }

    private static Future<Buffer> read(HttpServerRequest req, long maxBytes, PeerTable table, PeerTable.Peer peer) {
        String declared = req.getHeader("content-length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > maxBytes) {
                    return Future.failedFuture(tooLarge(maxBytes));
                }
            } catch (NumberFormatException e) {
                return Future.failedFuture(new GatewayException(ErrorKind.INVALID_REQUEST, "Invalid Content-Length header."));
            }
        }
        Promise<Buffer> promise = Promise.promise();
        // Pre-size from the declared length, but never trust it for more than 64 KiB: a client could declare
        // the maximum on many connections and send nothing.
        long hint = declared == null ? 1024 : Long.parseLong(declared.trim());
        Buffer body = Buffer.buffer((int) Math.max(0, Math.min(hint, Math.min(maxBytes, INITIAL_CAP))));
        long[] held = {0};
        req.handler(chunk -> {
            if (body.length() + chunk.length() > maxBytes) {
                req.handler(null);
                giveBack(table, peer, held);
                promise.tryFail(tooLarge(maxBytes));
                return;
            }
            if (table != null) {
                int verdict = table.take(peer, chunk.length());
                if (verdict != PeerTable.TAKEN) {
                    req.handler(null);
                    giveBack(table, peer, held);
                    promise.tryFail(PeerTable.refusal(verdict));
                    return;
                }
                held[0] += chunk.length();
            }
            try {
                body.appendBuffer(chunk);
            } catch (OutOfMemoryError e) {
                // no room for this body now: answer it if possible and drop the connection, never the event loop
                req.handler(null);
                giveBack(table, peer, held);
                promise.tryFail(new GatewayException(ErrorKind.GATEWAY_BUSY, 503,
                        "The gateway has no memory for this request now; try again shortly.", null, "1"));
                req.connection().close();
            }
        });
        req.endHandler(v -> {
            giveBack(table, peer, held);
            promise.tryComplete(body);
        });
        req.exceptionHandler(e -> {
            giveBack(table, peer, held);
            promise.tryFail(e);
        });
        return promise.future();
    }

    private static void giveBack(PeerTable table, PeerTable.Peer peer, long[] held) {
        if (table != null) {
            table.give(peer, held[0]);
            held[0] = 0;
        }
    }

    private static GatewayException tooLarge(long maxBytes) {
        return new GatewayException(ErrorKind.BODY_TOO_LARGE,
                "The request body is larger than the gateway's limit of " + maxBytes + " bytes.");
    }
}

package dev.switchboard.server;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/** Reads a request body up to a size limit; a larger one fails with 413 as soon as the limit is passed. */
final class BodyReader {
    private static final long INITIAL_CAP = 64 * 1024;

    private BodyReader() {}

    static Future<Buffer> read(HttpServerRequest req, long maxBytes) {
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
        req.handler(chunk -> {
            if (body.length() + chunk.length() > maxBytes) {
                req.handler(null);
                promise.tryFail(tooLarge(maxBytes));
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> promise.tryComplete(body));
        req.exceptionHandler(promise::tryFail);
        return promise.future();
    }

    private static GatewayException tooLarge(long maxBytes) {
        return new GatewayException(ErrorKind.BODY_TOO_LARGE,
                "The request body is larger than the gateway's limit of " + maxBytes + " bytes.");
    }
}

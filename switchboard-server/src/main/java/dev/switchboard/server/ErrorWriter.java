package dev.switchboard.server;

import dev.switchboard.error.GatewayException;
import dev.switchboard.ingress.IngressDialect;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/** Writes a failure as a JSON error in the client's dialect, with the right status and Retry-After. */
final class ErrorWriter {
    private ErrorWriter() {}

    static void write(HttpServerResponse response, IngressDialect dialect, GatewayException e) {
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            response.end(); // a body is already under way; stream errors are written by the relay
            return;
        }
        response.setStatusCode(e.status());
        response.putHeader("content-type", "application/json");
        if (e.retryAfter() != null) {
            response.putHeader("retry-after", e.retryAfter());
        }
        response.end(Buffer.buffer(dialect.encodeError(e)));
    }
}

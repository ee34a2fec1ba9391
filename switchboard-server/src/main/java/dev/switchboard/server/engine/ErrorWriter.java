package dev.switchboard.server.engine;

import dev.switchboard.error.GatewayException;
import dev.switchboard.ingress.IngressDialect;
import io.vertx.core.buffer.Buffer;
import dev.switchboard.server.wire.ClientSide;

/** Writes a failure as a JSON error in the client's dialect, with the right status and Retry-After. */
final class ErrorWriter {
    private ErrorWriter() {}

    static void write(ClientSide client, IngressDialect dialect, GatewayException e) {
        if (client.ended() || client.closed()) {
            return;
        }
        if (client.headWritten()) {
            client.endChunked(null); // a body is already under way; stream errors are written by the relay
            return;
        }
        client.putHeader("content-type", "application/json");
        if (e.retryAfter() != null) {
            client.putHeader("retry-after", e.retryAfter());
        }
        client.end(e.status(), Buffer.buffer(dialect.encodeError(e)));
    }
}

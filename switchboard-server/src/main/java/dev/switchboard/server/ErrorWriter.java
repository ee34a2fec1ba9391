package dev.switchboard.server;

import dev.switchboard.error.GatewayException;
import dev.switchboard.ingress.openai.OpenAiErrorEncoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/** Writes a failure as an OpenAI-shaped JSON error with the right status and Retry-After. */
final class ErrorWriter {
    private ErrorWriter() {}

    static void write(HttpServerResponse response, GatewayException e) {
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
        response.end(Buffer.buffer(OpenAiErrorEncoder.encode(e)));
    }
}

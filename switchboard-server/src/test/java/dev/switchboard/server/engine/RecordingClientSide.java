package dev.switchboard.server.engine;

import dev.switchboard.server.wire.ClientSide;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/** A client side without a socket, for engine tests: records a whole answer, or what a stream wrote. */
final class RecordingClientSide implements ClientSide {
    int status;
    String body;
    int wholeAnswers;
    final StringBuilder streamed = new StringBuilder();
    boolean headWritten;
    boolean ended;

    @Override
    public String method() {
        return "POST";
    }

    @Override
    public String path() {
        return "/v1/chat/completions";
    }

    @Override
    public void putHeader(CharSequence name, CharSequence value) {
    }

    @Override
    public void removeHeader(CharSequence name) {
    }

    @Override
    public void end(int status, Buffer body) {
        this.status = status;
        this.body = body.toString();
        wholeAnswers++;
        headWritten = true;
        ended = true;
    }

    @Override
    public void startChunked(int status) {
        this.status = status;
    }

    @Override
    public void write(Buffer chunk) {
        headWritten = true;
        streamed.append(chunk.toString());
    }

    @Override
    public void endChunked(Buffer tail) {
        ended = true;
        if (tail != null) {
            headWritten = true;
            streamed.append(tail.toString());
        }
    }

    @Override
    public boolean writeQueueFull() {
        return false;
    }

    @Override
    public void drainHandler(Runnable onDrain) {
    }

    @Override
    public void closeHandler(Runnable onClose) {
    }

    @Override
    public boolean headWritten() {
        return headWritten;
    }

    @Override
    public boolean ended() {
        return ended;
    }

    @Override
    public boolean closed() {
        return false;
    }

    @Override
    public String header(String name) {
        return null;
    }

    @Override
    public List<String> headers(String name) {
        return List.of();
    }

    @Override
    public String remoteAddress() {
        return "127.0.0.1";
    }
}

package dev.switchboard.provider.bedrock;

import dev.switchboard.provider.StreamFraming;
import dev.switchboard.sse.SseEvent;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Bedrock's binary event-stream as events for {@link BedrockStreamDecoder}: an {@code event} message becomes an
 * event named by its {@code :event-type} holding the JSON payload; an {@code exception} message becomes
 * {@code exception:<:exception-type>} with its payload; an {@code error} message {@code error:<:error-code>} with
 * its {@code :error-message}.
 */
final class BedrockFraming implements StreamFraming {
    private final EventStreamDecoder decoder;

    BedrockFraming(Consumer<SseEvent> events) {
        this.decoder = new EventStreamDecoder(m -> events.accept(toEvent(m)));
    }

    static SseEvent toEvent(EventStreamDecoder.Message m) {
        String payload = new String(m.payload(), StandardCharsets.UTF_8);
        String type = m.header(":message-type");
        if ("exception".equals(type)) {
            return new SseEvent("exception:" + m.header(":exception-type"), payload, null);
        }
        if ("error".equals(type)) {
            return new SseEvent("error:" + m.header(":error-code"), m.header(":error-message"), null);
        }
        return new SseEvent(m.header(":event-type"), payload, null);
    }

    @Override
    public void feed(byte[] bytes) {
        decoder.feed(bytes);
    }

    @Override
    public boolean hasPartialEvent() {
        return decoder.hasPartialMessage();
    }
}

package dev.switchboard.ingress.anthropic;

import dev.switchboard.provider.StreamTranslator;
import dev.switchboard.sse.SseEvent;
import dev.switchboard.sse.SseParser;
import dev.switchboard.usage.Usage;
import java.util.function.Consumer;

/**
 * Wraps a provider's canonical stream translator so that the client receives Anthropic events: the canonical
 * events it emits (framed) are parsed back and fed to an {@link AnthropicStreamEncoder}. Usage, completion and
 * the end marker are the wrapped translator's.
 */
final class AnthropicStreamTranslator implements StreamTranslator {
    private final StreamTranslator canonical;
    private final AnthropicStreamEncoder encoder;
    private Consumer<byte[]> sink;
    private final SseParser parser;

    AnthropicStreamTranslator(StreamTranslator canonical, String requestedModel, long promptEstimate) {
        this.canonical = canonical;
        this.encoder = new AnthropicStreamEncoder(requestedModel, promptEstimate);
        this.parser = new SseParser(e -> encoder.onChunk(e.data(), sink));
    }

    @Override
    public void onEvent(SseEvent event, Consumer<byte[]> out) {
        sink = out;
        canonical.onEvent(event, parser::feed);
    }

    @Override
    public void onEnd(Consumer<byte[]> out) {
        canonical.onEnd(framed -> {
            sink = out;
            parser.feed(framed);
        });
        encoder.finish(out);
    }

    @Override
    public Usage usage() {
        return canonical.usage();
    }

    @Override
    public boolean completed() {
        return canonical.completed();
    }

    @Override
    public boolean ended() {
        return canonical.ended();
    }
}

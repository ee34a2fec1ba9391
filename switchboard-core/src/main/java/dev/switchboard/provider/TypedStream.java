package dev.switchboard.provider;

import dev.switchboard.sse.SseEvent;
import dev.switchboard.stream.StreamDecoder;
import dev.switchboard.stream.StreamEncoder;
import dev.switchboard.stream.StreamEvent;
import dev.switchboard.stream.StreamTransform;
import dev.switchboard.usage.Usage;
import java.util.List;
import java.util.function.Consumer;

/**
 * A translated stream: the provider's decoder turns upstream events into typed {@link StreamEvent}s, which pass
 * through the transforms in order (none today: the seam for answer-path stages) to the client dialect's encoder.
 * Nothing is framed as text and parsed back on the way. Usage, completion and the end marker are the decoder's.
 * One per stream, fed from one thread.
 */
public final class TypedStream implements StreamTranslator {
    private final StreamDecoder decoder;
    private final StreamEncoder encoder;
    private final List<StreamTransform> transforms;
    /** {@code inputs[i]} feeds transform i; the last one feeds the encoder. Built once per stream. */
    private final Consumer<StreamEvent>[] inputs;
    private Consumer<byte[]> out;

    public TypedStream(StreamDecoder decoder, StreamEncoder encoder) {
        this(decoder, List.of(), encoder);
    }

    @SuppressWarnings("unchecked")
    public TypedStream(StreamDecoder decoder, List<StreamTransform> transforms, StreamEncoder encoder) {
        this.decoder = decoder;
        this.encoder = encoder;
        this.transforms = List.copyOf(transforms);
        int n = this.transforms.size();
        inputs = new Consumer[n + 1];
        inputs[n] = e -> encoder.onEvent(e, out);
        for (int i = n - 1; i >= 0; i--) {
            StreamTransform t = this.transforms.get(i);
            Consumer<StreamEvent> downstream = inputs[i + 1];
            inputs[i] = e -> t.onEvent(e, downstream);
        }
    }

    @Override
    public void onEvent(SseEvent event, Consumer<byte[]> out) {
        this.out = out;
        decoder.onEvent(event, inputs[0]);
    }

    /** The decoder's held-back events, then each transform's in order, then the encoder's closing events. */
    @Override
    public void onEnd(Consumer<byte[]> out) {
        this.out = out;
        decoder.onEnd(inputs[0]);
        for (int i = 0; i < transforms.size(); i++) {
            transforms.get(i).onEnd(inputs[i + 1]);
        }
        encoder.onEnd(out);
    }

    /** The same decoder and transforms into another encoder (e.g. Anthropic events instead of canonical chunks). */
    @Override
    public StreamTranslator withEncoder(StreamEncoder other) {
        return new TypedStream(decoder, transforms, other);
    }

    @Override
    public Usage usage() {
        return decoder.usage();
    }

    @Override
    public boolean completed() {
        return decoder.completed();
    }

    @Override
    public boolean ended() {
        return decoder.ended();
    }
}

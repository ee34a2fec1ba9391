package dev.switchboard.ingress.openai;

import dev.switchboard.error.GatewayException;
import dev.switchboard.ingress.IngressDialect;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.StreamTranslator;
import dev.switchboard.sse.SseEncoder;
import java.nio.charset.StandardCharsets;

/** The canonical dialect: requests are validated as they are, answers and streams pass through unchanged. */
public final class OpenAiIngress implements IngressDialect {
    public static final OpenAiIngress INSTANCE = new OpenAiIngress();

    @Override
    public String name() {
        return "openai";
    }

    private OpenAiIngress() {}

    @Override
    public ModelRequest decode(Operation op, byte[] body) {
        return OpenAiRequestDecoder.decode(op, body);
    }

    @Override
    public byte[] encodeAnswer(ModelRequest req, byte[] canonical) {
        return canonical;
    }

    @Override
    public StreamTranslator encodeStream(ModelRequest req, StreamTranslator canonical) {
        return canonical;
    }

    @Override
    public byte[] encodeError(GatewayException e) {
        return OpenAiErrorEncoder.encode(e);
    }

    /** A data-only event with the error object; never a fake finish or [DONE]. */
    @Override
    public byte[] encodeStreamError(GatewayException e) {
        return SseEncoder.data(new String(OpenAiErrorEncoder.encode(e), StandardCharsets.UTF_8));
    }
}

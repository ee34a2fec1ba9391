package dev.switchboard.ingress.anthropic;

import dev.switchboard.error.GatewayException;
import dev.switchboard.ingress.IngressDialect;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.StreamTranslator;

/** The Anthropic Messages dialect: {@code POST /v1/messages} in, Anthropic messages, events and errors out. */
public final class AnthropicIngress implements IngressDialect {
    public static final AnthropicIngress INSTANCE = new AnthropicIngress();

    private AnthropicIngress() {}

    /** Only chat exists in this dialect; {@code op} is always {@link Operation#CHAT}. */
    @Override
    public ModelRequest decode(Operation op, byte[] body) {
        return AnthropicRequestDecoder.decode(body);
    }

    @Override
    public byte[] encodeAnswer(ModelRequest req, byte[] canonical) {
        return AnthropicResponseEncoder.encode(canonical, req.model());
    }

    @Override
    public StreamTranslator encodeStream(ModelRequest req, StreamTranslator canonical) {
        return new AnthropicStreamTranslator(canonical, req.model());
    }

    @Override
    public byte[] encodeError(GatewayException e) {
        return AnthropicErrorEncoder.encode(e);
    }

    @Override
    public byte[] encodeStreamError(GatewayException e) {
        return AnthropicErrorEncoder.encodeEvent(e);
    }
}

package dev.switchboard.ingress.anthropic;

import dev.switchboard.error.GatewayException;
import dev.switchboard.ingress.IngressDialect;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.StreamTranslator;
import java.util.List;

/** The Anthropic Messages dialect: {@code POST /v1/messages} in, Anthropic messages, events and errors out. */
public final class AnthropicIngress implements IngressDialect {
    public static final AnthropicIngress INSTANCE = new AnthropicIngress();

    @Override
    public String name() {
        return "anthropic";
    }

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
        return encodeStream(req, canonical, -1);
    }

    /** message_start carries the prompt's estimate (the provider's own count comes at the end, in message_delta). */
    @Override
    public StreamTranslator encodeStream(ModelRequest req, StreamTranslator canonical, long promptEstimate) {
        long estimate = promptEstimate >= 0 ? promptEstimate : AnthropicTokenEstimator.estimate(req);
        return new AnthropicStreamTranslator(canonical, req.model(), estimate);
    }

    @Override
    public List<String> checkTranslated(ModelRequest req, ProviderEndpoint target) {
        return AnthropicTranslatedGate.check(req, target);
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

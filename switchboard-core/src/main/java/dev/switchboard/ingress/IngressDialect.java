package dev.switchboard.ingress;

import dev.switchboard.error.GatewayException;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.StreamTranslator;
import dev.switchboard.stream.StreamEncoder;
import java.util.List;

/**
 * The API dialect a client speaks at the front door. The data plane works on the canonical (OpenAI) shape;
 * a dialect converts the client's request into it and the canonical answer, stream and errors back out.
 * Implementations are pure and thread-safe.
 */
public interface IngressDialect {
    /**
     * The dialect's name ({@code openai}, {@code anthropic}): what stages see, and what a provider adapter is asked
     * about when it may offer a byte pass-through for this client ({@code ChatAdapter.passthrough}).
     */
    String name();

    /** Validates the client's body and converts it to the canonical request. */
    ModelRequest decode(Operation op, byte[] body);

    /**
     * A complete canonical answer in the client's shape. Returns {@code canonical} itself when the dialect
     * is the canonical one, so the caller can tell the bytes went through untouched.
     */
    byte[] encodeAnswer(ModelRequest req, byte[] canonical);

    /**
     * A fresh encoder of typed stream events into the client's framed events.
     *
     * @param promptEstimate the gateway's own estimate of the input tokens, -1 when it made none (a dialect that
     *                       reports the prompt's tokens before the provider does uses it: Anthropic's message_start)
     */
    StreamEncoder newEncoder(ModelRequest req, long promptEstimate);

    /**
     * The adapter's stream ({@link dev.switchboard.provider.ChatAdapter#newStream}, canonical) as the client's: by
     * default the same decoder into {@link #newEncoder}; the canonical dialect takes it as it is.
     */
    default StreamTranslator encodeStream(ModelRequest req, StreamTranslator canonical, long promptEstimate) {
        return canonical.withEncoder(newEncoder(req, promptEstimate));
    }

    /**
     * Called before the request is translated for a provider that does not speak this dialect natively: refuses
     * (throws the 400) what of the client's own dialect the translation would lose, or returns the fields it leaves
     * out under {@code unsupported_params: drop}, to be reported. The canonical dialect loses nothing.
     */
    default List<String> checkTranslated(ModelRequest req, ProviderEndpoint target) {
        return List.of();
    }

    /** A failure as the client's JSON error body. */
    byte[] encodeError(GatewayException e);

    /** A failure in the middle of a stream, as one framed event. */
    byte[] encodeStreamError(GatewayException e);
}

package dev.switchboard.provider.anthropic;

import dev.switchboard.error.GatewayException;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.provider.Capability;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.provider.NativePassthrough;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.stream.StreamDecoder;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The Anthropic Messages dialect. Usage always arrives in Anthropic's stream, so nothing needs asking;
 * the client gets the usage chunk only if it asked for it. Pure and thread-safe.
 */
public final class AnthropicChatAdapter implements ChatAdapter {
    @Override
    public UpstreamRequest toUpstream(ModelRequest req, ProviderEndpoint p, String upstreamModel, boolean injectUsage) {
        return AnthropicChatTranslator.toUpstream(req, p, upstreamModel);
    }

    @Override
    public ChatAdapter.Answer fromUpstream(ModelRequest req, ProviderEndpoint p, byte[] body) {
        return fromUpstream(req, p, "", body);
    }

    /** The answer names the model Anthropic reports, else {@code upstreamModel}. */
    @Override
    public ChatAdapter.Answer fromUpstream(ModelRequest req, ProviderEndpoint p, String upstreamModel, byte[] body) {
        AnthropicResponseTranslator.Translated t = AnthropicResponseTranslator.toOpenAi(body,
                AnthropicStructuredOutput.requested(req), System.currentTimeMillis() / 1000);
        if (t.completion().path("model").asText("").isEmpty()) {
            t.completion().put("model", upstreamModel);
        }
        return new ChatAdapter.Answer(t.bytes(), t.usage());
    }

    @Override
    public StreamDecoder newDecoder(ModelRequest req, ProviderEndpoint p, String upstreamModel, boolean injectUsage) {
        return AnthropicStreamDecoder.forRequest(req, p, upstreamModel, System.currentTimeMillis() / 1000);
    }

    @Override
    public GatewayException toError(ProviderEndpoint p, int status, String retryAfter, byte[] body) {
        return AnthropicErrorMapper.map(p, status, retryAfter, body);
    }

    /** An Anthropic client at an Anthropic provider: the client's own request, native fields intact. */
    @Override
    public NativePassthrough passthrough(String clientDialect, ProviderEndpoint p) {
        return AnthropicPassthrough.DIALECT.equals(clientDialect) && AnthropicPassthrough.serves(p)
                ? new AnthropicPassthrough(p) : null;
    }

    /** One choice per request, no logprobs; chat only. */
    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.complementOf(
            EnumSet.of(Capability.EMBEDDINGS, Capability.N_GREATER_THAN_ONE, Capability.LOGPROBS)));

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }
}

package dev.switchboard.provider.gemini;

import dev.switchboard.error.GatewayException;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.Capability;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.stream.StreamDecoder;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The Google Gemini dialect (native generateContent; embeddings through batchEmbedContents, {@link GeminiEmbeddings}). Usage always arrives in Gemini's stream, so nothing needs
 * asking; the client gets the usage chunk only if it asked for it. Gemini's stream has no end marker after its
 * last piece, so the usage chunk and {@code [DONE]} are written when the upstream stream ends. Pure and thread-safe.
 */
public final class GeminiChatAdapter implements ChatAdapter {
    @Override
    public UpstreamRequest toUpstream(ModelRequest req, ProviderEndpoint p, String upstreamModel, boolean injectUsage) {
        if (req.operation() == Operation.EMBEDDINGS) {
            return GeminiEmbeddings.toUpstream(req, p, upstreamModel);
        }
        return GeminiChatTranslator.toUpstream(req, p, upstreamModel);
    }

    /** {@code models/x} and {@code x} are one model; no {@code /} or {@code :} (the path reads {@code :method} after it). */
    @Override
    public String upstreamModel(ProviderEndpoint p, String model) {
        String m = model.startsWith("models/") ? model.substring("models/".length()) : model;
        return dev.switchboard.provider.UpstreamModelName.check(p.name(), m, false, false);
    }

    @Override
    public ChatAdapter.Answer fromUpstream(ModelRequest req, ProviderEndpoint p, byte[] body) {
        return fromUpstream(req, p, "", body);
    }

    /** The answer names Gemini's modelVersion, else {@code upstreamModel}; see {@link GeminiTools#firstCallOnly}. */
    @Override
    public ChatAdapter.Answer fromUpstream(ModelRequest req, ProviderEndpoint p, String upstreamModel, byte[] body) {
        if (req.operation() == Operation.EMBEDDINGS) {
            return GeminiEmbeddings.fromUpstream(req, upstreamModel, body);
        }
        GeminiResponseTranslator.Translated t = GeminiResponseTranslator.toOpenAi(body, upstreamModel,
                GeminiTools.firstCallOnly(req.body()), System.currentTimeMillis() / 1000);
        return new ChatAdapter.Answer(t.bytes(), t.usage());
    }

    @Override
    public StreamDecoder newDecoder(ModelRequest req, ProviderEndpoint p, String upstreamModel, boolean injectUsage) {
        return GeminiStreamDecoder.forRequest(req, p, upstreamModel, System.currentTimeMillis() / 1000);
    }

    @Override
    public GatewayException toError(ProviderEndpoint p, int status, String retryAfter, byte[] body) {
        return GeminiErrorMapper.map(p, status, retryAfter, body);
    }

    /** n maps to candidateCount; embeddings through batchEmbedContents; no logprobs. */
    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.complementOf(
            EnumSet.of(Capability.LOGPROBS)));

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }
}

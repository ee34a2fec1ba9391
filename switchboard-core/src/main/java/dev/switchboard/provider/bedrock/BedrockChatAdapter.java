package dev.switchboard.provider.bedrock;

import dev.switchboard.error.GatewayException;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.provider.Capability;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.StreamFraming;
import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.sse.SseEvent;
import dev.switchboard.stream.StreamDecoder;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The AWS Bedrock dialect (Converse / ConverseStream), SigV4-signed as the catalogue says ({@code auth: sigv4}). Its stream is the binary
 * event-stream framing, so it brings its own {@link #newFraming} and stream content type. Usage always arrives
 * (in the final metadata event); the client gets the usage chunk only if it asked. Pure and thread-safe.
 */
public final class BedrockChatAdapter implements ChatAdapter {
    static final String EVENT_STREAM = "application/vnd.amazon.eventstream";
    @Override
    public UpstreamRequest toUpstream(ModelRequest req, ProviderEndpoint p, String upstreamModel, boolean injectUsage) {
        return BedrockChatTranslator.toUpstream(req, p, upstreamModel);
    }

    /** Without the upstream model (callers that do not know it), the answer names the requested model. */
    @Override
    public Answer fromUpstream(ModelRequest req, ProviderEndpoint p, byte[] body) {
        return fromUpstream(req, p, req.model(), body);
    }

    @Override
    public Answer fromUpstream(ModelRequest req, ProviderEndpoint p, String upstreamModel, byte[] body) {
        BedrockResponseTranslator.Translated t = BedrockResponseTranslator.toOpenAi(body,
                BedrockAnswerRules.of(req, upstreamModel), System.currentTimeMillis() / 1000);
        return new Answer(t.bytes(), t.usage());
    }

    @Override
    public boolean isStream(String contentType) {
        return contentType != null && contentType.regionMatches(true, 0, EVENT_STREAM, 0, EVENT_STREAM.length());
    }

    @Override
    public StreamFraming newFraming(ProviderEndpoint p, Consumer<SseEvent> events) {
        return new BedrockFraming(events);
    }

    @Override
    public StreamDecoder newDecoder(ModelRequest req, ProviderEndpoint p, String upstreamModel, boolean injectUsage) {
        return new BedrockStreamDecoder(p, "chatcmpl-" + UUID.randomUUID(), BedrockAnswerRules.of(req, upstreamModel),
                System.currentTimeMillis() / 1000);
    }

    @Override
    public GatewayException toError(ProviderEndpoint p, int status, String retryAfter, byte[] body) {
        return BedrockErrorMapper.map(p, status, retryAfter, body);
    }

    /** Converse has no reasoning_effort, n or logprobs (response_format is a forced tool); chat only. */
    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.complementOf(
            EnumSet.of(Capability.EMBEDDINGS, Capability.N_GREATER_THAN_ONE, Capability.LOGPROBS, Capability.REASONING)));

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }
}

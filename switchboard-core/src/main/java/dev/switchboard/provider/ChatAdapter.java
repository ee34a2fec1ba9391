package dev.switchboard.provider;

import dev.switchboard.error.GatewayException;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.sse.SseEvent;
import dev.switchboard.stream.CanonicalChunkEncoder;
import dev.switchboard.stream.StreamDecoder;
import dev.switchboard.usage.Usage;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Everything dialect-specific about talking to a provider: building the upstream request, turning its answer,
 * streamed or not, into the canonical (OpenAI) shape, and mapping its errors. One per dialect, chosen by the
 * catalogue's {@code dialect}; the data plane never names a vendor. Implementations are pure and thread-safe.
 */
public interface ChatAdapter {
    /**
     * @param injectUsage the client streams without asking for usage: ask the provider for it anyway
     *                    (if its dialect needs asking) and keep it out of the client's stream
     */
    UpstreamRequest toUpstream(ModelRequest req, ProviderEndpoint p, String upstreamModel, boolean injectUsage);

    /** A complete (non-streamed) answer in the canonical shape, with its usage (null when not reported). */
    record Answer(byte[] body, Usage usage) {}

    Answer fromUpstream(ModelRequest req, ProviderEndpoint p, byte[] body);

    /**
     * The one the data plane calls: {@link #fromUpstream(ModelRequest, ProviderEndpoint, byte[])} for an answer
     * from the target whose configured model id is {@code upstreamModel}. The answer's {@code model} is the name the
     * provider reports; an adapter whose provider may report none overrides this to name {@code upstreamModel}
     * instead (never the caller's alias).
     */
    default Answer fromUpstream(ModelRequest req, ProviderEndpoint p, String upstreamModel, byte[] body) {
        return fromUpstream(req, p, body);
    }

    /**
     * A fresh decoder for one streamed answer from the target whose configured model id is {@code upstreamModel}
     * (named where the provider names none): the provider's events as typed events, usage included whether or not
     * the client asked for it.
     */
    StreamDecoder newDecoder(ModelRequest req, ProviderEndpoint p, String upstreamModel, boolean injectUsage);

    /**
     * One streamed answer as the canonical (OpenAI) client gets it: {@link #newDecoder} into canonical chunks, the
     * usage chunk only if the client asked for it. An adapter whose provider speaks the canonical dialect passes
     * its stream through instead; {@link StreamTranslator#withEncoder} gives any of them to another dialect.
     */
    default StreamTranslator newStream(ModelRequest req, ProviderEndpoint p, String upstreamModel, boolean injectUsage) {
        return new TypedStream(newDecoder(req, p, upstreamModel, injectUsage),
                new CanonicalChunkEncoder(req.clientRequestedUsage()));
    }

    /** Whether a successful response of this content type is the provider's stream (default: server-sent events). */
    default boolean isStream(String contentType) {
        return contentType != null && contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
    }

    /** How the stream's bytes become the events {@link #newStream}'s translator is fed (default: server-sent events). */
    default StreamFraming newFraming(ProviderEndpoint p, Consumer<SseEvent> events) {
        return StreamFraming.sse(events);
    }

    /**
     * What this adapter can honour of a canonical request (default: text, system prompts and multi-turn only).
     * A request asking for anything else is refused with a 400 naming the parameter.
     */
    default Set<Capability> capabilities() {
        return EnumSet.of(Capability.TEXT, Capability.SYSTEM_PROMPT, Capability.MULTI_TURN);
    }

    GatewayException toError(ProviderEndpoint p, int status, String retryAfter, byte[] body);

    /**
     * The byte pass-through from a client speaking {@code clientDialect} (the ingress dialect's name, e.g.
     * {@code "openai"}, {@code "anthropic"}) to provider {@code p}, or null when this adapter has none for that client
     * (the request then goes through the canonical shape). Default: none.
     */
    default NativePassthrough passthrough(String clientDialect, ProviderEndpoint p) {
        return null;
    }

    /**
     * The model name as this dialect's requests carry it (canonical: one spelling per model), checked by
     * {@link UpstreamModelName}; a 400 for a name that could leave its place. Default: {@code /} allowed, as the
     * model goes in the body. Called when a name is resolved, before anything is sent.
     */
    default String upstreamModel(ProviderEndpoint p, String model) {
        return UpstreamModelName.check(p.name(), model, true, true);
    }
}

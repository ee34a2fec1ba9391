package dev.switchboard.provider.openai;

import dev.switchboard.error.GatewayException;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.model.Operation;
import dev.switchboard.provider.Capability;
import dev.switchboard.provider.ChatAdapter;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.StreamTranslator;
import dev.switchboard.provider.UpstreamErrorMapper;
import dev.switchboard.provider.UpstreamRequest;
import dev.switchboard.stream.StreamDecoder;
import dev.switchboard.usage.UsageScanner;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** The OpenAI dialect: requests and answers are already canonical, so answers pass through byte for byte. */
public final class OpenAiChatAdapter implements ChatAdapter {
    @Override
    public UpstreamRequest toUpstream(ModelRequest req, ProviderEndpoint p, String upstreamModel, boolean injectUsage) {
        return OpenAiUpstreamTranslator.toUpstream(req, p, upstreamModel, injectUsage);
    }

    /** An Azure deployment name is a path segment: no {@code /}; elsewhere the model goes in the body. */
    @Override
    public String upstreamModel(ProviderEndpoint p, String model) {
        boolean azure = p.type().urlStyle() == dev.switchboard.catalogue.UrlStyle.AZURE_DEPLOYMENT;
        return dev.switchboard.provider.UpstreamModelName.check(p.name(), model, !azure, true);
    }

    @Override
    public Answer fromUpstream(ModelRequest req, ProviderEndpoint p, byte[] body) {
        return new Answer(body, UsageScanner.scan(body));
    }

    /** A chat or text completion that names no model gets {@code upstreamModel} ({@link OpenAiAnswerModel}). */
    @Override
    public Answer fromUpstream(ModelRequest req, ProviderEndpoint p, String upstreamModel, byte[] body) {
        Answer answer = fromUpstream(req, p, body);
        return req.operation() == Operation.EMBEDDINGS ? answer
                : new Answer(OpenAiAnswerModel.named(body, upstreamModel), answer.usage());
    }

    /** The stream read as typed events (for a client of another dialect, or a stage that reads the answer). */
    @Override
    public StreamDecoder newDecoder(ModelRequest req, ProviderEndpoint p, String upstreamModel, boolean injectUsage) {
        return new OpenAiChunkDecoder(upstreamModel);
    }

    /** An OpenAI client gets the provider's events as they came: no decoding, no re-encoding. */
    @Override
    public StreamTranslator newStream(ModelRequest req, ProviderEndpoint p, String upstreamModel, boolean injectUsage) {
        return new OpenAiStreamPassthrough(injectUsage, upstreamModel);
    }

    @Override
    public GatewayException toError(ProviderEndpoint p, int status, String retryAfter, byte[] body) {
        return UpstreamErrorMapper.map(p, status, retryAfter, body);
    }

    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.allOf(Capability.class));

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }
}

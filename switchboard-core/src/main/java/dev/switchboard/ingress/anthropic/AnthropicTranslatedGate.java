package dev.switchboard.ingress.anthropic;

import dev.switchboard.config.UnsupportedParams;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.provider.ProviderEndpoint;
import java.util.List;

/**
 * Applied before a Messages request is translated for a provider that does not speak Anthropic: its dialect-only
 * fields (see {@link AnthropicFields}) are refused by name, or under the provider's {@code unsupported_params: drop}
 * returned to be reported in {@code x-switchboard-dropped-params}. {@code thread} is always refused, with the error
 * Anthropic defines for it ({@code thread_unsupported_request}): the SDKs answer it by resending the whole
 * conversation without a thread, where dropping it would send a lone continuation (e.g. only a tool result).
 */
public final class AnthropicTranslatedGate {
    private AnthropicTranslatedGate() {}

    /** @return the fields to leave out and report; throws the 400 that refuses the request otherwise */
    public static List<String> check(ModelRequest req, ProviderEndpoint p) {
        List<String> fields = req.dialectOnly();
        if (fields.isEmpty()) {
            return fields;
        }
        if (fields.contains("thread")) {
            throw threadUnsupported(p.name());
        }
        if (p.unsupportedParams() != UnsupportedParams.DROP) {
            String first = fields.getFirst();
            throw GatewayException.param(ErrorKind.INVALID_PARAMETER, first, first + ": not supported by provider '"
                    + p.name() + "', which does not speak Anthropic's API: " + AnthropicFields.why(first) + ".");
        }
        return fields;
    }

    static GatewayException threadUnsupported(String provider) {
        return GatewayException.param(ErrorKind.THREAD_UNSUPPORTED, "thread", "thread: provider '" + provider
                + "' keeps no message threads; send the whole conversation without 'thread'.");
    }
}

package dev.switchboard.ingress.anthropic;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.model.ModelRequest;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.UnsupportedParams;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Applied before a Messages request is translated for a provider that does not speak Anthropic: its dialect-only
 * fields (see {@link AnthropicFields}) are refused by name, or under the provider's {@code unsupported_params: drop}
 * returned to be reported in {@code x-switchboard-dropped-params}. {@code thread} is always refused, with the error
 * Anthropic defines for it ({@code thread_unsupported_request}): the SDKs answer it by resending the whole
 * conversation without a thread, where dropping it would send a lone continuation (e.g. only a tool result).
 */
public final class AnthropicTranslatedGate {
    /** Field names and paths that may be named in x-switchboard-dropped-params. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

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
        String odd = fields.stream().filter(f -> !PLAIN.matcher(f).matches()).findFirst().orElse(null);
        if (p.unsupportedParams() != UnsupportedParams.DROP || odd != null) {
            // a name that cannot go into a response header (control characters, huge) is refused even under drop
            String first = odd != null ? odd : fields.getFirst();
            String shown = first.length() <= 64 ? first : first.substring(0, 64) + "...";
            throw GatewayException.param(ErrorKind.INVALID_PARAMETER, shown, shown + ": not supported by provider '"
                    + p.name() + "', which does not speak Anthropic's API: " + AnthropicFields.why(first) + ".");
        }
        return fields;
    }

    static GatewayException threadUnsupported(String provider) {
        return GatewayException.param(ErrorKind.THREAD_UNSUPPORTED, "thread", "thread: provider '" + provider
                + "' keeps no message threads; send the whole conversation without 'thread'.");
    }
}

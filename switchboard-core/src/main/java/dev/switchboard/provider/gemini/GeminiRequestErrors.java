package dev.switchboard.provider.gemini;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;

/** The caller-facing 400s of the request translation, each naming the parameter at fault. */
final class GeminiRequestErrors {
    private GeminiRequestErrors() {}

    static GatewayException invalid(String param, String message) {
        return GatewayException.param(ErrorKind.INVALID_PARAMETER, param, message);
    }

    static GatewayException unsupported(String param, String why) {
        return invalid(param, "Parameter '" + param + "' is not supported by Gemini models" + (why == null ? "." : ": " + why));
    }

    static GatewayException missing(String param) {
        return GatewayException.param(ErrorKind.MISSING_PARAMETER, param, "Missing required parameter: '" + param + "'.");
    }
}

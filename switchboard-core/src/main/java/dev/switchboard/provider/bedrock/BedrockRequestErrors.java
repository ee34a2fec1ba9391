package dev.switchboard.provider.bedrock;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;

/** The 400s for canonical requests Bedrock's Converse API cannot take. */
final class BedrockRequestErrors {
    private BedrockRequestErrors() {}

    static GatewayException invalid(String param, String message) {
        return GatewayException.param(ErrorKind.INVALID_PARAMETER, param, message);
    }

    static GatewayException unsupported(String param) {
        return unsupported(param, null);
    }

    static GatewayException unsupported(String param, String why) {
        return invalid(param, "Parameter '" + param + "' is not supported by Bedrock models" + (why == null ? "." : ": " + why));
    }
}

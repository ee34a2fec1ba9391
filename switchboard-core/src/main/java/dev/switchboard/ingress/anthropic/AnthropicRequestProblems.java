package dev.switchboard.ingress.anthropic;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;

/** The 400s of a Messages request, worded like Anthropic's own ({@code "<path>: <problem>"}). */
final class AnthropicRequestProblems {
    private AnthropicRequestProblems() {}

    static GatewayException missing(String path) {
        return GatewayException.param(ErrorKind.MISSING_PARAMETER, path, path + ": Field required");
    }

    static GatewayException invalid(String path, String problem) {
        return GatewayException.param(ErrorKind.INVALID_PARAMETER, path, path + ": " + problem);
    }
}

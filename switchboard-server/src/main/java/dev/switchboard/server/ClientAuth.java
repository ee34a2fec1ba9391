package dev.switchboard.server;

import dev.switchboard.access.ClientKey;
import dev.switchboard.access.KeyIndex;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import io.vertx.core.http.HttpServerRequest;

/** Finds the caller's client key in {@code Authorization: Bearer} or {@code x-api-key}. */
final class ClientAuth {
    private ClientAuth() {}

    static ClientKey authenticate(HttpServerRequest req, KeyIndex keys) {
        String presented = null;
        String auth = req.getHeader("authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = auth.substring(7).trim();
        }
        if (presented == null || presented.isEmpty()) {
            presented = req.getHeader("x-api-key");
        }
        if (presented == null || presented.isEmpty()) {
            throw new GatewayException(ErrorKind.UNAUTHENTICATED,
                    "Missing API key: send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'.");
        }
        ClientKey key = keys.find(presented);
        if (key == null) {
            throw new GatewayException(ErrorKind.UNAUTHENTICATED, "Invalid API key.");
        }
        return key;
    }
}

package dev.switchboard.server.auth;

import dev.switchboard.access.ClientKey;
import dev.switchboard.access.ModelPolicy;
import java.util.List;
import java.util.Map;

/**
 * A caller proven by a JWT.
 *
 * @param name          from the name claim (default {@code sub})
 * @param team          from the team claim, or null
 * @param metadata      the mapped metadata claims, as text
 * @param allowedModels the models the token allows, or null when the token does not restrict models; an empty list
 *                      allows none
 */
public record Identity(String name, String team, Map<String, String> metadata, List<String> allowedModels) {
    public Identity {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        allowedModels = allowedModels == null ? null : List.copyOf(allowedModels);
    }

    /** The caller as the gateway's access layer sees it; {@code unrestricted} applies when the token names no models. */
    public ClientKey toClientKey(ModelPolicy unrestricted) {
        ModelPolicy models;
        if (allowedModels == null) {
            models = unrestricted == null ? ModelPolicy.ALL : unrestricted;
        } else {
            models = allowedModels.isEmpty() ? ModelPolicy.NONE : new ModelPolicy(allowedModels);
        }
        return new ClientKey("jwt:" + name, name, team, metadata, models, null, null, null, null);
    }
}

package dev.switchboard.access;

import java.util.Map;

/**
 * A caller as the gateway knows it: a name for logs and usage, its team (or null), free-form metadata that
 * routing rules may read, and the models it may use. Never the key itself.
 */
public record ClientKey(String name, String team, Map<String, String> metadata, ModelPolicy models) {
    public ClientKey {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** A config-file key: no team, no metadata. */
    public ClientKey(String name, ModelPolicy models) {
        this(name, null, Map.of(), models);
    }
}

package dev.switchboard.provider;

import java.util.Locale;

/**
 * What a provider does with a request parameter its dialect cannot take: refuse the request with a 400 naming it
 * (the default), or drop it from the upstream request and say so in {@code x-switchboard-dropped-params}.
 */
public enum UnsupportedParams {
    REJECT, DROP;

    /** The word used in the config file. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

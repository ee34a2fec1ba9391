package dev.switchboard.server;

import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.provider.TokenGrant;
import io.vertx.core.Future;

/**
 * A provider credential that takes I/O to obtain (a token exchange), resolved before the upstream request is
 * signed, without blocking the event loop. Used for catalogue entries with {@code auth: oauth2}.
 */
interface CredentialSource {
    /** The bearer token for this provider, from cache or freshly obtained with the dialect's grant. */
    Future<String> bearerToken(ProviderEndpoint p, TokenGrant grant);
}

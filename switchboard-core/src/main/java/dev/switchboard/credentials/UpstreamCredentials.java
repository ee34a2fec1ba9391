package dev.switchboard.credentials;

import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayException;
import dev.switchboard.provider.ProviderEndpoint;
import java.time.Clock;

/** The one place that maps the catalogue's {@code auth} to its credential class. */
public final class UpstreamCredentials {
    private UpstreamCredentials() {}

    /**
     * The credential of the provider's requests. A key-optional provider without a key sends none.
     *
     * @throws GatewayException when the provider's key cannot be what its kind needs (never quoting it)
     */
    public static UpstreamCredential of(ProviderEndpoint p) {
        return switch (p.type().auth()) {
            case NONE -> NoCredential.INSTANCE;
            case BEARER -> p.apiKey() == null ? NoCredential.INSTANCE : new BearerCredential(p.apiKey());
            case HEADER -> p.apiKey() == null ? NoCredential.INSTANCE : new HeaderKeyCredential(p.type().authHeader(), p.apiKey());
            case SIGV4 -> new SigV4Credential(AwsCredentials.of(p), p.type().signingService(), Clock.systemUTC());
            case GOOGLE_SERVICE_ACCOUNT -> new OAuthTokenCredential(p, GoogleServiceAccount.of(key(p)));
        };
    }

    private static String key(ProviderEndpoint p) {
        if (p.apiKey() == null) {
            throw new GatewayException(ErrorKind.INTERNAL, "Provider '" + p.name() + "' needs api_key (its service-account key).");
        }
        return p.apiKey().value();
    }
}

/**
 * Upstream credentials, an axis of their own: how a provider's requests carry its key, one class per kind
 * ({@link dev.switchboard.credentials.BearerCredential}, {@link dev.switchboard.credentials.HeaderKeyCredential},
 * {@link dev.switchboard.credentials.SigV4Credential}, {@link dev.switchboard.credentials.OAuthTokenCredential}
 * with a {@link dev.switchboard.credentials.GoogleServiceAccount} grant, {@link dev.switchboard.credentials.NoCredential}),
 * chosen by the catalogue's {@code auth} in {@link dev.switchboard.credentials.UpstreamCredentials#of}. Token
 * exchanges are I/O and belong to the server, behind {@link dev.switchboard.credentials.TokenSource}. Depends on
 * {@code provider} (the request and endpoint), never on a vendor package. Pure, no Vert.x.
 */
package dev.switchboard.credentials;

package dev.switchboard.credentials;

import dev.switchboard.provider.UpstreamRequest;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code auth: sigv4}: AWS Signature Version 4 over the final request ({@link SigV4Signer}), adding
 * {@code x-amz-date}, {@code x-amz-content-sha256}, the session token if any, and {@code Authorization}. Signed at
 * the moment it is applied, so the signature's date is the send time.
 */
public final class SigV4Credential implements UpstreamCredential {
    private final AwsCredentials aws;
    private final String service;
    private final Clock clock;

    public SigV4Credential(AwsCredentials aws, String service, Clock clock) {
        this.aws = aws;
        this.service = service;
        this.clock = clock;
    }

    @Override
    public CompletionStage<UpstreamRequest> apply(UpstreamRequest req, TokenSource tokens) {
        return CompletableFuture.completedFuture(req.withHeaders(
                SigV4Signer.sign(req.method(), req.url(), req.headers(), req.body(), aws, service, clock.instant())));
    }

    @Override
    public String toString() {
        return "SigV4Credential[" + aws + ", " + service + "]";
    }
}

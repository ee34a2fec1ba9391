package dev.switchboard.server.upstream;

import dev.switchboard.server.upstream.UpstreamUrls;
import io.vertx.core.http.RequestOptions;

/**
 * Sets Vert.x request options from an absolute http(s) URL, split by {@link UpstreamUrls} (the Netty lane's parser)
 * rather than java.net.URL, whose parsing showed up in per-request profiles.
 */
public final class UpstreamAddress {
    private UpstreamAddress() {}

    public static RequestOptions apply(RequestOptions options, String url) {
        UpstreamUrls.Target target;
        try {
            target = UpstreamUrls.parseOnce(url);
        } catch (IllegalArgumentException e) {
            return options.setAbsoluteURI(url); // let Vert.x report what it makes of it
        }
        return options.setSsl(target.origin().https())
                .setHost(target.origin().host())
                .setPort(target.origin().port())
                .setURI(target.pathAndQuery());
    }
}

package dev.switchboard.server.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.Map;

/** Builds the HTTP/1.1 request for one exchange; rejects what would break the framing (CR/LF in a header value). */
final class UpstreamRequests {
    static final AsciiString USER_AGENT = AsciiString.cached("switchboard/0.1");

    private UpstreamRequests() {}

    /** @throws IllegalArgumentException for an invalid method, header name or header value */
    static FullHttpRequest build(String method, UpstreamUrls.Target target, Map<String, String> headers, byte[] body) {
        HttpMethod httpMethod = HttpMethod.valueOf(method);
        ByteBuf content = body == null || body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, httpMethod, target.pathAndQuery(), content);
        HttpHeaders out = request.headers();
        if (headers != null) {
            for (Map.Entry<String, String> header : headers.entrySet()) {
                String name = header.getKey();
                if (name.equalsIgnoreCase("host") || name.equalsIgnoreCase("content-length")
                        || name.equalsIgnoreCase("transfer-encoding")) {
                    continue; // the body is always sent whole with our length: other framing would make it ambiguous
                }
                String value = header.getValue();
                checkValue(name, value);
                out.add(name, value); // Netty validates the name
            }
        }
        out.set(HttpHeaderNames.HOST, target.origin().hostHeader());
        if (!out.contains(HttpHeaderNames.USER_AGENT)) {
            out.set(HttpHeaderNames.USER_AGENT, USER_AGENT);
        }
        if (body != null) {
            out.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        } else if (httpMethod == HttpMethod.POST || httpMethod == HttpMethod.PUT || httpMethod == HttpMethod.PATCH) {
            out.set(HttpHeaderNames.CONTENT_LENGTH, 0);
        }
        return request;
    }

    private static void checkValue(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException("header " + name + " has no value");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                // never echo the value: it may be a credential
                throw new IllegalArgumentException("header " + name + " contains a control character");
            }
        }
    }
}

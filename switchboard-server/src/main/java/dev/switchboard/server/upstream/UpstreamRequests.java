package dev.switchboard.server.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes the HTTP/1.1 request of one exchange straight to bytes: request line, headers, body, in one buffer (one
 * socket write, one segment for a typical call; Netty's request objects and encoder showed in per-request profiles).
 * Rejects whatever would break the framing: a method or header name that is not a token, a control character in the
 * path or in a header value.
 */
final class UpstreamRequests {
    private static final String USER_AGENT = "switchboard/0.1";
    private static final byte[] HTTP_1_1 = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HOST = "host: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] USER_AGENT_LINE = ("user-agent: " + USER_AGENT + "\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "content-length: ".getBytes(StandardCharsets.US_ASCII);
    private static final int CRLF = ('\r' << 8) | '\n';

    /** One encoded request: its bytes, and what the response's framing depends on. */
    record Encoded(ByteBuf bytes, boolean closesConnection, boolean headRequest) {}

    private UpstreamRequests() {}

    /** @throws IllegalArgumentException for an invalid method, path, header name or header value */
    static Encoded build(ByteBufAllocator alloc, String method, UpstreamUrls.Target target, Map<String, String> headers,
            byte[] body) {
        checkToken("method", method);
        String path = target.pathAndQuery();
        checkPath(path);
        String host = target.origin().hostHeader();
        int size = method.length() + ByteBufUtil.utf8MaxBytes(path) + HTTP_1_1.length + HOST.length + host.length() + 2
                + USER_AGENT_LINE.length + CONTENT_LENGTH.length + 12 + 2 + (body == null ? 0 : body.length);
        boolean userAgent = false;
        boolean closes = false;
        if (headers != null) {
            for (Map.Entry<String, String> header : headers.entrySet()) {
                String name = header.getKey();
                String value = header.getValue();
                checkToken("header name", name);
                checkValue(name, value);
                size += name.length() + value.length() + 4;
                userAgent |= name.equalsIgnoreCase("user-agent");
                closes |= name.equalsIgnoreCase("connection") && hasToken(value, "close");
            }
        }
        ByteBuf out = alloc.directBuffer(size);
        ByteBufUtil.writeAscii(out, method);
        out.writeByte(' ');
        ByteBufUtil.writeUtf8(out, path);
        out.writeBytes(HTTP_1_1);
        out.writeBytes(HOST);
        writeLatin1(out, host);
        out.writeShort(CRLF);
        if (headers != null) {
            for (Map.Entry<String, String> header : headers.entrySet()) {
                String name = header.getKey();
                if (name.equalsIgnoreCase("host") || name.equalsIgnoreCase("content-length")
                        || name.equalsIgnoreCase("transfer-encoding")) {
                    continue; // the body is always sent whole with our length: other framing would make it ambiguous
                }
                ByteBufUtil.writeAscii(out, name);
                out.writeShort((':' << 8) | ' ');
                writeLatin1(out, header.getValue());
                out.writeShort(CRLF);
            }
        }
        if (!userAgent) {
            out.writeBytes(USER_AGENT_LINE);
        }
        if (body != null || method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            out.writeBytes(CONTENT_LENGTH);
            ByteBufUtil.writeAscii(out, Integer.toString(body == null ? 0 : body.length));
            out.writeShort(CRLF);
        }
        out.writeShort(CRLF);
        if (body != null) {
            out.writeBytes(body);
        }
        return new Encoded(out, closes, method.equals("HEAD"));
    }

    /** A header value as ISO-8859-1, HTTP/1.1's octets (a char outside it becomes '?', as Netty's encoder writes it). */
    private static void writeLatin1(ByteBuf out, String value) {
        int n = value.length();
        out.ensureWritable(n);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            out.writeByte(c > 0xff ? '?' : c);
        }
    }

    private static boolean hasToken(String value, String token) {
        for (String part : value.split(",")) {
            if (part.trim().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    private static void checkToken(String what, String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("empty " + what);
        }
        for (int i = 0; i < token.length(); i++) {
            if (!isTokenChar(token.charAt(i))) {
                throw new IllegalArgumentException(what + " '" + token + "' is not an HTTP token");
            }
        }
    }

    /** RFC 9110 tchar. */
    private static boolean isTokenChar(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return c < 0x80 && "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** The path may carry caller text (a model name in a provider's URL): nothing in it may end the request line. */
    private static void checkPath(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("the upstream path contains a space or a control character");
            }
        }
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

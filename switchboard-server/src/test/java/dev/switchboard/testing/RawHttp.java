package dev.switchboard.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A bare HTTP/1.1 client over a socket, for what a normal client hides: sending part of a body, not reading,
 * closing mid-response. Reads are bounded by a timeout so a hanging server fails the test instead of blocking it.
 */
public final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** A parsed response; {@code body} is de-chunked. */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static RawHttp connect(int port) {
        return connect(port, -1);
    }

    /** Connects with this receive buffer size (set before connecting so the TCP window stays small), or -1. */
    public static RawHttp connect(int port, int receiveBuffer) {
        try {
            Socket s = new Socket();
            if (receiveBuffer > 0) {
                s.setReceiveBufferSize(receiveBuffer);
            }
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            return new RawHttp(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The start of a POST with the test key and these extra header lines; the caller adds framing and body. */
    public static String postHead(String path, String... headerLines) {
        StringBuilder sb = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                .append("Authorization: Bearer ").append(GatewayFixture.KEY).append("\r\n")
                .append("Content-Type: application/json\r\n");
        for (String h : headerLines) {
            sb.append(h).append("\r\n");
        }
        return sb.toString();
    }

    /** A complete POST with a Content-Length body. */
    public static String post(String path, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return postHead(path, "Content-Length: " + bytes.length) + "\r\n" + body;
    }

    public RawHttp write(String text) {
        return write(text.getBytes(StandardCharsets.UTF_8));
    }

    public RawHttp write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Socket socket() {
        return socket;
    }

    public InputStream input() {
        return in;
    }

    /** Reads one response (status line, headers, body by Content-Length, chunks or until close) within the timeout. */
    public Response readResponse(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            String statusLine = readLine();
            if (statusLine == null) {
                throw new AssertionError("connection closed before a response");
            }
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = readLine(); line != null && !line.isEmpty(); line = readLine()) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                while (true) {
                    String size = readLine();
                    int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                    if (n == 0) {
                        readLine();
                        break;
                    }
                    body.write(in.readNBytes(n));
                    readLine();
                }
            } else if (headers.containsKey("content-length")) {
                body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
            } else {
                in.transferTo(body);
            }
            return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no complete response within " + timeout, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads raw bytes until {@code marker} appeared (inclusive) and returns all of them as text. */
    public String readUntil(String marker, Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            while (!seen.toString(StandardCharsets.UTF_8).contains(marker)) {
                int b = in.read();
                if (b < 0) {
                    throw new AssertionError("connection closed before '" + marker + "': " + seen.toString(StandardCharsets.UTF_8));
                }
                seen.write(b);
            }
            return seen.toString(StandardCharsets.UTF_8);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("'" + marker + "' not seen within " + timeout, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when the server closed the connection (EOF or reset) within the timeout. */
    public boolean closedByPeer(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            byte[] buf = new byte[8192];
            while (true) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}

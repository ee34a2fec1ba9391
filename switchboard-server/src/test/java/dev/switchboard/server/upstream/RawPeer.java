package dev.switchboard.server.upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A hand-written HTTP peer for broken behaviour: reads one request head, writes the given bytes, then closes. */
final class RawPeer implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread thread;

    RawPeer(String answer) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = Thread.ofVirtual().start(() -> serve(answer.getBytes(StandardCharsets.ISO_8859_1)));
    }

    String url(String path) {
        return "http://127.0.0.1:" + socket.getLocalPort() + path;
    }

    private void serve(byte[] answer) {
        try (Socket peer = socket.accept()) {
            readHead(peer.getInputStream());
            peer.getOutputStream().write(answer);
            peer.getOutputStream().flush();
        } catch (IOException ignored) {
            // the test sees the outcome on the client side
        }
    }

    private static void readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            byte[] sofar = head.toByteArray();
            int n = sofar.length;
            if (n >= 4 && sofar[n - 4] == '\r' && sofar[n - 3] == '\n' && sofar[n - 2] == '\r' && sofar[n - 1] == '\n') {
                return;
            }
        }
    }

    @Override
    public void close() throws Exception {
        socket.close();
        thread.join(5_000);
    }
}

package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import redis.embedded.RedisServer;

/** A real Redis on a free port for e2e tests; can be stopped and started again on the same port (empty again). */
public final class RedisProcess implements AutoCloseable {
    private final int port;
    private RedisServer server;
    private boolean running;

    public RedisProcess() {
        this.port = freePort();
        start();
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server unless it runs; retries while the previous process still holds the port. */
    public synchronized void start() {
        if (running) {
            return;
        }
        IOException last = null;
        for (int attempt = 0; attempt < 25; attempt++) {
            try {
                // no persistence: nothing written to the working directory, and a restart begins empty
                server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                        .setting("save \"\"").setting("appendonly no").build();
                server.start();
                running = true;
                return;
            } catch (IOException e) {
                last = e;
                pause(200);
            }
        }
        throw new UncheckedIOException(last);
    }

    public synchronized void stop() {
        if (!running) {
            return;
        }
        try {
            server.stop();
            running = false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // stop() does not wait for the process to exit; a test wants Redis really gone
        long end = System.nanoTime() + 5_000_000_000L;
        while (accepts() && System.nanoTime() < end) {
            pause(20);
        }
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

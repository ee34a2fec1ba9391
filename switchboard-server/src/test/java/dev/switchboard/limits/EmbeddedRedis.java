package dev.switchboard.limits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import redis.embedded.RedisServer;

/** A real Redis on a free port that a test can stop and start again on the same port. */
final class EmbeddedRedis implements AutoCloseable {
    final int port;
    private RedisServer server;

    EmbeddedRedis() {
        this.port = freePort();
        start();
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    void start() {
        try {
            // no persistence: a restarted server starts empty, and nothing is written to the working directory
            server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("save \"\"").setting("appendonly no").build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void stop() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

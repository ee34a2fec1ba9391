package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import redis.embedded.RedisServer;

/**
 * A real Redis on a free port for e2e tests; can be stopped and started again on the same port (empty again), or
 * frozen and resumed.
 */
public final class RedisProcess implements AutoCloseable {
    private final int port;
    private RedisServer server;
    private boolean running;
    private boolean paused;

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
        resume(); // a frozen process would not act on the stop signal
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

    /**
     * Freezes the server (SIGSTOP): connections stay open and commands are accepted by the kernel but never
     * answered, like a stalled host or a long fork. {@link #resume()} lets it answer them all.
     */
    public synchronized void pause() {
        if (running && !paused) {
            signal("-STOP");
            paused = true;
        }
    }

    public synchronized void resume() {
        if (paused) {
            signal("-CONT");
            paused = false;
        }
    }

    /** Signals this server's process: the redis-server child of this JVM that listens on this port. */
    private void signal(String signal) {
        String portArg = Integer.toString(port);
        ProcessHandle process = ProcessHandle.current().descendants()
                .filter(p -> {
                    // redis-server retitles itself "<binary> 127.0.0.1:<port>"
                    List<String> args = commandLine(p);
                    return !args.isEmpty() && args.get(0).contains("redis-server") && args.stream().anyMatch(a -> a.endsWith(":" + portArg));
                })
                .findFirst().orElseThrow(() -> new IllegalStateException("no redis-server process on port " + port));
        try {
            int exit = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** ProcessHandle.Info has no arguments on Linux here; /proc has them, NUL-separated. */
    private static List<String> commandLine(ProcessHandle p) {
        try {
            return List.of(Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).split("\0"));
        } catch (IOException | RuntimeException e) {
            return List.of(); // gone meanwhile, or not Linux
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

package dev.switchboard.server;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the config file when its content changes. Polling (not inotify) also sees editors that replace
 * the file by rename and files on network mounts. Runs on its own daemon thread, never on an event loop.
 * An invalid new file is rejected with a log line; the running snapshot keeps serving.
 */
final class ConfigWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Path file;
    private final ConfigLoader loader;
    private final Consumer<GatewayConfig> onChange;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "switchboard-config-watcher");
        t.setDaemon(true);
        return t;
    });
    private byte[] lastContent;

    ConfigWatcher(Path file, ConfigLoader loader, Consumer<GatewayConfig> onChange) {
        this.file = file;
        this.loader = loader;
        this.onChange = onChange;
        this.lastContent = read();
    }

    void start(Duration interval) {
        executor.scheduleWithFixedDelay(this::poll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void poll() {
        byte[] content = read();
        if (content == null || Arrays.equals(content, lastContent)) {
            return;
        }
        lastContent = content;
        try {
            GatewayConfig config = loader.parse(new String(content, java.nio.charset.StandardCharsets.UTF_8));
            onChange.accept(config);
            LOG.info("config reloaded from {}", file);
        } catch (ConfigException e) {
            LOG.warn("config change in {} rejected, the previous config keeps serving:\n  {}", file,
                    String.join("\n  ", e.problems()));
        } catch (RuntimeException e) {
            LOG.warn("config change in {} rejected, the previous config keeps serving: {}", file, e.toString());
        }
    }

    private byte[] read() {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return null; // mid-replace or deleted: try again on the next poll
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}

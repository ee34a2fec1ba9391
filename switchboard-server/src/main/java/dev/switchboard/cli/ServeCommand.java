package dev.switchboard.cli;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.server.Gateway;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts the gateway and runs until stopped; the config file is watched for changes. */
@Command(name = "serve", description = "Start the gateway.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, description = "Config file (YAML).", defaultValue = "switchboard.yaml")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        GatewayConfig cfg;
        try {
            ConfigLoader loader = ConfigLoader.withSystemEnv();
            cfg = loader.load(config);
            loader.warnings().forEach(w -> org.slf4j.LoggerFactory.getLogger(ServeCommand.class).warn("config {}", w));
        } catch (ConfigException e) {
            System.err.println("Invalid config " + config + ":");
            e.problems().forEach(p -> System.err.println("  " + p));
            return 2;
        }
        Gateway gateway = Gateway.start(cfg, Gateway.Options.defaults().withConfigFile(config));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "switchboard-shutdown"));
        stopped.await();
        return 0;
    }
}

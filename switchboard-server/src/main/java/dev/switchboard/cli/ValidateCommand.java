package dev.switchboard.cli;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Checks a config file and lists every problem with its path; exit code 0 when valid, 1 when not. */
@Command(name = "validate", description = "Check a config file without starting the gateway.")
final class ValidateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "Config file (YAML).")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            GatewayConfig c = ConfigLoader.withSystemEnv().load(file);
            spec.commandLine().getOut().printf("%s is valid: %d providers, %d model aliases, %d keys%n",
                    file, c.providers().size(), c.models().size(), c.keys().size());
            return 0;
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(file + " is invalid:");
            e.problems().forEach(p -> spec.commandLine().getErr().println("  " + p));
            return 1;
        }
    }
}

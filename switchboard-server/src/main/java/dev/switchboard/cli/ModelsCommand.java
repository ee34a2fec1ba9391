package dev.switchboard.cli;

import dev.switchboard.catalogue.ProviderCatalogue;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.provider.ProviderEndpoint;
import dev.switchboard.routing.Target;
import dev.switchboard.runtime.Snapshot;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints the model names a config serves: routes, aliases and declared provider models, with where each goes. */
@Command(name = "models", description = "List the models the config serves and where each one goes.")
final class ModelsCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, description = "Config file (YAML).", defaultValue = "switchboard.yaml")
    Path config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        GatewayConfig c;
        try {
            c = ConfigLoader.withSystemEnv().load(config);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(config + " is invalid:");
            e.problems().forEach(p -> spec.commandLine().getErr().println("  " + p));
            return 1;
        }
        Snapshot s = Snapshot.build(c, ProviderCatalogue.bundled(), type -> "(built in)");
        PrintWriter out = spec.commandLine().getOut();
        String format = "%-32s %-16s %-18s %s%n";
        out.printf(format, "MODEL", "PROVIDER", "TYPE", "UPSTREAM MODEL");
        for (dev.switchboard.routing.Route route : s.router().routes().values()) {
            java.util.Set<String> targets = new java.util.LinkedHashSet<>();
            route.rules().forEach(rule -> rule.targets().forEach(t -> targets.add(t.key())));
            out.printf(format, route.name(), "(route)", route.rules().size() + " rules", String.join(", ", targets));
        }
        for (String name : s.resolver().advertised()) {
            Target t = s.resolver().resolve(name);
            out.printf(format, name, t.provider().name(), t.provider().type().name(), t.upstreamModel());
        }
        for (ProviderEndpoint p : s.resolver().providers().values()) {
            if (p.models().isEmpty()) {
                out.printf(format, p.name() + "/*", p.name(), p.type().name(), "(any model, by provider/model)");
            }
        }
        out.flush();
        return 0;
    }
}

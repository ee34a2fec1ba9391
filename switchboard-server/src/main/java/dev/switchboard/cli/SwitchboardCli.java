package dev.switchboard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code switchboard serve | validate | models}. */
@Command(name = "switchboard", mixinStandardHelpOptions = true, version = "switchboard 0.1.0",
        description = "A self-hosted AI gateway: one OpenAI-compatible endpoint in front of many providers.",
        subcommands = {ServeCommand.class, ValidateCommand.class, ModelsCommand.class, CheckCommand.class, KeysCommand.class, TeamsCommand.class, ApprovalsCommand.class, CredentialsCommand.class, UsageCommand.class, AuditCommand.class, CacheCommand.class})
public final class SwitchboardCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command and returns its exit code (tests call this instead of main). */
    public static int run(String... args) {
        return new CommandLine(new SwitchboardCli()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

package dev.forge.cli;

import dev.forge.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code forge} command. */
@Command(name = "forge", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Forge MCP gateway: federates MCP servers behind one endpoint.",
        subcommands = {ServeCommand.class, ExportCommand.class, ImportCommand.class, BackupCommand.class, RestoreCommand.class, TokenCommand.class,
                SecretsCommand.class, TranslateCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        dev.forge.observe.LogSetup.configure("warn", false); // commands print results on stdout; logs go to stderr
        int code = new CommandLine(new Main()).setExecutionExceptionHandler(Main::refusal).execute(args);
        if (code != 0 || args.length == 0 || !("serve".equals(args[0]) || isBridgeServing(args))) {
            System.exit(code);
        }
    }

    /** {@code translate --stdio} keeps serving after its command returns; the other translate direction does not. */
    private static boolean isBridgeServing(String[] args) {
        return "translate".equals(args[0]) && java.util.Arrays.asList(args).contains("--stdio");
    }

    /**
     * A bad setting stops every command the way it stops {@code serve}: one line and exit 2, not a stack trace.
     * Anything else is a bug and keeps its trace.
     */
    private static int refusal(Exception e, CommandLine command, CommandLine.ParseResult parsed) throws Exception {
        if (e instanceof dev.forge.config.ConfigException) {
            System.err.println("forge: invalid configuration: " + e.getMessage());
            return 2;
        }
        throw e;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"forge " + Version.value()};
        }
    }
}

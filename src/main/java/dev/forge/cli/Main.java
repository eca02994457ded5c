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

    /**
     * Jetty sizes the padding of its queues by asking the platform MBean server whether object references are
     * compressed; starting that server is a tenth of Forge's start-up work, for what the JVM's default (compressed, on
     * heaps under 32 GB) already says. An explicit {@code -D} still wins.
     */
    private static final String JETTY_REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

    public static void main(String[] args) {
        if (System.getProperty(JETTY_REFERENCES_PER_CACHE_LINE) == null) {
            System.setProperty(JETTY_REFERENCES_PER_CACHE_LINE, "16"); // 64-byte lines of 4-byte references
        }
        dev.forge.observe.LogSetup.configure("warn", false); // commands print results on stdout; logs go to stderr
        int code = command(args).setExecutionExceptionHandler(Main::refusal)
                .execute(serving(args) ? java.util.Arrays.copyOfRange(args, 1, args.length) : args);
        if (code != 0 || args.length == 0 || !("serve".equals(args[0]) || isBridgeServing(args))) {
            System.exit(code);
        }
    }

    /**
     * {@code forge serve} on its own: picocli reads the annotations of every command it is given, and doing so for all
     * of them is a fifth of the start of a server, which needs only its own.
     */
    private static CommandLine command(String[] args) {
        if (!serving(args)) {
            return new CommandLine(new Main());
        }
        CommandLine serve = new CommandLine(new ServeCommand());
        serve.setCommandName("forge serve");
        return serve;
    }

    private static boolean serving(String[] args) {
        return args.length > 0 && "serve".equals(args[0]);
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

package dev.forge.cli;

import dev.forge.Gateway;
import dev.forge.config.ConfigException;
import dev.forge.config.ConfigLoader;
import dev.forge.config.ForgeConfig;
import dev.forge.observe.LogSetup;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code forge serve}: runs the gateway until SIGTERM/SIGINT. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the gateway.")
final class ServeCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    EnvironmentOption environment = new EnvironmentOption();

    @Option(names = "--config", paramLabel = "FILE", description = "forge.yaml to load (default: $CONFIG_PATH/forge.yaml)")
    Path config;

    @Option(names = "--port", paramLabel = "N", description = "Port to listen on (default: $GATEWAY_PORT, $PORT, then 4444)")
    Integer port;

    @Option(names = "--role", paramLabel = "ROLE",
            description = "gateway | service-manager | tool-router (default: every role in this process)")
    String role;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to bind (default: $GATEWAY_HOST, $HOST, then 0.0.0.0)")
    String host;

    @Override
    public Integer call() throws Exception {
        ForgeConfig loaded;
        java.nio.file.Path logFile;
        boolean protect;
        try {
            ConfigLoader loader = new ConfigLoader(environment.variables());
            loaded = loader.load(new ConfigLoader.Flags(config, port, host, role));
            logFile = loader.logFile();
            protect = loader.processProtection();
        } catch (ConfigException e) {
            System.err.println("forge: invalid configuration: " + e.getMessage());
            return 2;
        }
        LogSetup.configure(loaded.logLevel(), loaded.jsonLogs(), logFile, loaded.security().logRetention());
        ProcessProtection.apply(protect); // before the first child process exists

        Gateway gateway;
        try {
            gateway = Gateway.start(loaded);
        } catch (Exception e) {
            System.err.println("forge: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "forge-shutdown"));
        stopped.await();
        return 0;
    }
}

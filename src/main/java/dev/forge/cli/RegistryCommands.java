package dev.forge.cli;

import dev.forge.config.ConfigLoader;
import dev.forge.config.ForgeConfig;
import dev.forge.protocol.Json;
import dev.forge.registry.GatewayRegistry;
import dev.forge.registry.RegistryTransfer;
import dev.forge.registry.LocalItemRegistry;
import dev.forge.registry.RestToolRegistry;
import dev.forge.router.RouterMetaTools;
import dev.forge.store.LocalItemRepository;
import dev.forge.store.RestToolRepository;
import dev.forge.registry.ServerRegistry;
import dev.forge.store.Database;
import dev.forge.store.GatewayRepository;
import dev.forge.store.ServerRepository;
import dev.forge.store.ToolStateRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Function;

/** Opens the registry database named by the configuration, without starting a gateway. */
final class RegistryCommands {

    private RegistryCommands() {}

    static <T> T withTransfer(Path config, java.util.Map<String, String> env, Function<RegistryTransfer, T> work) {
        ForgeConfig loaded = new ConfigLoader(env).load(new ConfigLoader.Flags(config, null, null));
        try (Database database = Database.open(loaded.database(), loaded.skipMigrations())) {
            Clock clock = Clock.systemUTC();
            dev.forge.config.SecurityConfig security = loaded.security();
            dev.forge.store.SecretBox secrets = dev.forge.store.SecretBox.of(security.encryptionKey(),
                    security.previousEncryptionKey(), security.production());
            dev.forge.upstream.AddressPolicy addresses = new dev.forge.upstream.AddressPolicy(security.ssrfAllowPrivate(),
                    security.ssrfAllowLocalhost());
            GatewayRegistry gateways = new GatewayRegistry(new GatewayRepository(database, clock, secrets), loaded.requestTimeout(),
                    loaded.connectTimeout(), addresses);
            gateways.reserve(RouterMetaTools.UPSTREAM, RouterMetaTools.OWNER);
            ServerRegistry servers = new ServerRegistry(new ServerRepository(database, clock));
            RestToolRegistry restTools = new RestToolRegistry(new RestToolRepository(database, clock, secrets), loaded.requestTimeout(),
                    addresses);
            LocalItemRegistry localItems = new LocalItemRegistry(new LocalItemRepository(database, clock), loaded.requestTimeout());
            return work.apply(new RegistryTransfer(gateways, servers, new ToolStateRepository(database, clock), restTools,
                    localItems, disabled -> { }, clock));
        }
    }

    static String pretty(tools.jackson.databind.JsonNode node) {
        return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node);
    }

    static void write(Path output, String text) throws java.io.IOException {
        if (output == null) {
            System.out.println(text);
        } else {
            Files.writeString(output, text + "\n");
        }
    }
}

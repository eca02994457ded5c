package dev.forge.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.catalog.Federation;
import dev.forge.config.ServiceConfig;
import dev.forge.config.ServicePriority;
import dev.forge.config.UnconfiguredService;
import dev.forge.support.TestGateways;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.Test;

/**
 * Completing a waiting service while other requests look it up: at every step a request finds it either waiting or
 * configured, never neither (which the API would answer with 404 to a request that raced the completing one).
 */
class ServiceCompletionTest {

    /** What a test does with a supervisor of no services. */
    interface WithSupervisor {
        void run(ServiceSupervisor supervisor) throws Exception;
    }

    private static void withSupervisor(WithSupervisor test) throws Exception {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
        HttpClient http = new HttpClient();
        http.start();
        try (Federation federation = new Federation(TestGateways.config(List.of(), List.of()), http, scheduler, "test");
             ServiceSupervisor supervisor = new ServiceSupervisor(federation, scheduler, Clock.systemUTC())) {
            test.run(supervisor);
        } finally {
            http.stop();
            scheduler.shutdownNow();
        }
    }

    @Test
    void aServiceBeingCompletedIsFoundWaitingOrConfiguredAtEveryStepAndOnlyOneRequestCompletesIt() throws Exception {
        withSupervisor(supervisor -> {
            ServiceConfig completed = ServicePriorityTest.service("later", "normal", "1MB", true, false);
            UnconfiguredService waiting = new UnconfiguredService("later", List.of("LATER_TOKEN"), false,
                    ServicePriority.NORMAL, values -> completed);
            supervisor.awaitConfiguration(waiting);

            assertThat(supervisor.claim(waiting)).as("the first request claims it").isTrue();
            assertThat(supervisor.unconfigured("later")).as("claimed, it is still found waiting").isSameAs(waiting);
            assertThat(supervisor.claim(waiting)).as("a second request cannot claim it too").isFalse();

            supervisor.configured(completed);
            assertThat(supervisor.service("later")).isSameAs(completed);
            assertThat(supervisor.unconfigured("later")).isNull();
            assertThat(supervisor.unconfigured()).isEmpty();
            assertThat(supervisor.claim(waiting)).as("a request holding the old entry hears it is done").isFalse();
        });
    }

    @Test
    void aCompletionThatFailsLeavesTheServiceWaitingAndClaimableAgain() throws Exception {
        withSupervisor(supervisor -> {
            UnconfiguredService waiting = new UnconfiguredService("later", List.of("LATER_TOKEN"), false,
                    ServicePriority.NORMAL, values -> ServicePriorityTest.service("later", "normal", "1MB", true, false));
            supervisor.awaitConfiguration(waiting);
            assertThat(supervisor.claim(waiting)).isTrue();
            supervisor.awaitConfiguration(waiting); // what the API does when the federation refuses the service

            assertThat(supervisor.unconfigured()).containsExactly(waiting);
            assertThat(supervisor.claim(waiting)).as("the next request may try again").isTrue();
        });
    }
}

package dev.forge.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.catalog.Catalog;
import dev.forge.store.Database;
import dev.forge.store.FeedbackRepository;
import dev.forge.support.TestGateways;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A search that arrives while the index is being rebuilt for a catalog change waits for that rebuild: a client that
 * has just seen an upstream's tools listed does not get an answer from the index of before.
 */
class ToolRouterFreshnessTest {

    @Test
    void aSearchDuringARebuildAnswersFromTheRebuiltIndex() throws Exception {
        CountDownLatch slowRebuild = new CountDownLatch(1);
        AtomicBoolean catalogRead = new AtomicBoolean();
        ToolRouter router = new ToolRouter(() -> {
            try {
                slowRebuild.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            catalogRead.set(true);
            return new Catalog(Map.of(), List.of(), 1, List.of());
        }, new FeedbackRepository(Database.open(TestGateways.freshDatabase(), false), Clock.systemUTC()), Reranker.NONE,
                "router", Clock.systemUTC());
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        try {
            router.catalogChanged(); // the rebuild starts and takes 300 ms
            later.schedule(slowRebuild::countDown, 300, TimeUnit.MILLISECONDS);
            router.route("anything at all", null, 5);
            assertThat(catalogRead).as("the search returned before the rebuild under way had read the catalog").isTrue();
        } finally {
            later.shutdownNow();
        }
    }
}

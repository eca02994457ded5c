package dev.forge.e2e;

import dev.forge.support.TestGateways;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The transport matrix: the official TypeScript SDK client (matrix-client.mjs) runs every passthrough check through
 * the gateway, for each upstream kind (stdio, Streamable HTTP answering with SSE streams, Streamable HTTP answering
 * in plain JSON, legacy SSE, and another Forge) × the entry's session mode (per-client, shared) × the client's
 * transport (Streamable HTTP, legacy SSE). The upstream is probe-server.mjs, which records what reaches it.
 *
 * <p>Every server and both gateways start once ({@link MatrixRun}); the cells run while the tests wait on their
 * results. Each test asserts one capability of one cell; a capability that cannot work in a cell is aborted with the
 * reason ({@link MatrixCapability#notApplicable}). When the class ends it prints the table of cells × capabilities
 * (pass, FAIL, n.a.) with each cell's time.
 *
 * <p>Run it alone with {@code mvn test -Dtest=PassthroughMatrixTest} (well under a minute once the peers are
 * installed by scripts/install-peers.sh).
 */
class PassthroughMatrixTest {

    static MatrixRun run;

    @BeforeAll
    static void start() throws Exception {
        run = MatrixRun.start("", (entries, running) -> {
            var outer = TestGateways.start(entries);
            running.add(outer);
            return TestGateways.baseUrl(outer);
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    static Stream<Arguments> cellsAndCapabilities() {
        return MatrixCell.all().stream().flatMap(cell -> Arrays.stream(MatrixCapability.values()).map(cap -> Arguments.of(cell, cap)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cellsAndCapabilities")
    void whatTheUpstreamAndTheClientSayToEachOtherGetsThrough(MatrixCell cell, MatrixCapability capability) throws Exception {
        run.check(cell.toString(), cell, capability);
    }
}

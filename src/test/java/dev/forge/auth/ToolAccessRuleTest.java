package dev.forge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forge.catalog.Catalog;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.JsonRpcException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolAccessRuleTest {

    static Principal token(String... scopes) {
        return Principal.of("someone", Role.DEVELOPER, List.of(scopes), List.of(), "id", null);
    }

    @Test
    void aTokenForEveryEndpointMayCallAnyToolFromAnyEndpoint() {
        Principal wide = token("mcp");
        assertThat(ToolAccess.allows(wide, Catalog.ALL, "everything", "everything__echo")).isTrue();
        assertThat(ToolAccess.allows(wide, Catalog.serverScope("demo"), "memory", "memory__read_graph")).isTrue();
    }

    @Test
    void aTokenForOneUpstreamReachesItsToolsFromTheAllUpstreamsViewButNoOtherUpstreams() {
        Principal one = token("mcp:gateway/everything");
        assertThat(ToolAccess.allows(one, Catalog.ALL, "everything", "everything__echo")).isTrue();
        assertThat(ToolAccess.allows(one, Catalog.ALL, "memory", "memory__read_graph")).isFalse();
        assertThatThrownBy(() -> ToolAccess.check(one, Catalog.ALL, "memory", "memory__read_graph", "memory__read_graph"))
                .isInstanceOfSatisfying(JsonRpcException.class, e -> assertThat(e.error().code()).isEqualTo(JsonRpcError.ACCESS_DENIED))
                .hasMessage("Forbidden: this token may not call memory__read_graph "
                        + "(insufficient_scope: it reaches no endpoint that shows the tool)");
    }

    @Test
    void aTokenForOneVirtualServerMayCallWhatThatServerShows() {
        Principal server = token("mcp:server/demo");
        assertThat(ToolAccess.allows(server, Catalog.serverScope("demo"), "everything", "everything__echo")).isTrue();
        assertThat(ToolAccess.allows(server, Catalog.ALL, "everything", "everything__echo")).isFalse();
    }

    @Test
    void aToolLimitedTokenIsRefusedEveryToolItDoesNotName() {
        Principal limited = token("mcp", "tool:everything__echo");
        assertThat(ToolAccess.allows(limited, Catalog.ALL, "everything", "everything__echo")).isTrue();
        assertThatThrownBy(() -> ToolAccess.check(limited, Catalog.ALL, "everything", "everything__get-sum", "everything__get-sum"))
                .hasMessage("Forbidden: this token may not call everything__get-sum "
                        + "(insufficient_scope: it lists the tools it may call)");
    }

    @Test
    void theRefusalNamesTheToolAsTheClientAskedForIt() {
        Principal limited = token("mcp:server/demo", "tool:everything__echo");
        assertThatThrownBy(() -> ToolAccess.check(limited, Catalog.serverScope("demo"), "everything", "everything__get-sum", "get-sum"))
                .hasMessageContaining("may not call get-sum ");
    }
}

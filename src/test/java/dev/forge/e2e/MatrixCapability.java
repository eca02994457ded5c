package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.e2e.MatrixCell.UpstreamKind;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What a client must get through the gateway from its upstream, checked against what matrix-client.mjs saw in one
 * cell. Each check names the cell and what was seen, so a failure reads as the cell's story.
 */
enum MatrixCapability {

    TOOLS("tools list + call") {
        @Override
        void check(String cell, JsonNode seen) {
            assertThat(names(seen.path("tools"))).as("%s the tools listed", cell).contains("echo", "slow", "wait-for-cancel", "ask-sampling");
            assertThat(seen.path("echo").asString("")).as("%s echo answered", cell).isEqualTo("echo: hello matrix");
        }
    },
    STRUCTURED("structured content") {
        @Override
        void check(String cell, JsonNode seen) {
            assertThat(seen.path("structuredContent").toString()).as("%s structuredContent", cell)
                    .isEqualTo("{\"city\":\"Porto\",\"temperature\":21}");
        }
    },
    PROGRESS("progress before the result") {
        @Override
        void check(String cell, JsonNode seen) {
            assertThat(seen.path("result").asString("")).as("%s the long call's result", cell).isEqualTo("done in 4 steps");
            List<JsonNode> progress = seen.path("progress").valueStream().toList();
            assertThat(progress).as("%s progress notifications of a 2 s call in 4 steps (result at %d ms)", cell,
                    seen.path("resultAtMs").asInt()).hasSizeGreaterThanOrEqualTo(3);
            int first = progress.getFirst().path("atMs").asInt();
            int result = seen.path("resultAtMs").asInt();
            assertThat(result - first).as("%s progress arrived with the result (first progress at %d ms, result at %d ms)",
                    cell, first, result).isGreaterThanOrEqualTo(800);
        }
    },
    CANCEL("cancel seen by the upstream") {
        @Override
        void check(String cell, JsonNode seen) {
            assertThat(seen.path("waiting").asBoolean()).as("%s the call to cancel reached the upstream", cell).isTrue();
            assertThat(seen.path("outcome").asString("")).as("%s the aborted call ended for the client", cell).startsWith("rejected");
            assertThat(seen.path("seenByUpstream").size()).as(
                    "%s the upstream saw notifications/cancelled for the aborted request (aborted at %d ms, looked until %d ms)",
                    cell, seen.path("abortedAtMs").asInt(), seen.path("seenAtMs").asInt()).isEqualTo(1);
        }
    },
    SAMPLING("sampling") {
        @Override
        void check(String cell, JsonNode seen) {
            assertThat(seen.path("asked").asInt()).as("%s the client was asked to sample", cell).isEqualTo(1);
            assertThat(seen.path("answer").asString("")).as("%s the client's sample reached the upstream", cell)
                    .isEqualTo("sampled: sampled by the matrix client");
        }
    },
    ELICITATION("elicitation") {
        @Override
        void check(String cell, JsonNode seen) {
            assertThat(seen.path("asked").asInt()).as("%s the client was asked to elicit", cell).isEqualTo(1);
            assertThat(seen.path("answer").asString("")).as("%s the client's answer reached the upstream", cell)
                    .isEqualTo("elicited: accept teal");
        }
    },
    ROOTS("roots") {
        @Override
        void check(String cell, JsonNode seen) {
            assertThat(seen.path("asked").asInt()).as("%s the client was asked for its roots", cell).isPositive();
            assertThat(seen.path("answer").asString("")).as("%s the client's roots reached the upstream", cell)
                    .isEqualTo("roots: file:///matrix-root");
        }
    },
    LOGGING("logging") {
        @Override
        void check(String cell, JsonNode seen) {
            assertThat(seen.path("setLevel").asString("")).as("%s logging/setLevel", cell).isEqualTo("ok");
            assertThat(seen.path("received").asInt()).as("%s log messages of the call that reached the client", cell).isEqualTo(3);
        }
    },
    SUBSCRIPTION("resource subscription") {
        @Override
        void check(String cell, JsonNode seen) {
            assertThat(seen.path("touched").asString("")).as("%s the subscription reached the upstream", cell).isEqualTo("touched");
            assertThat(seen.path("arrived").asBoolean()).as("%s notifications/resources/updated reached the subscriber (saw %s)",
                    cell, seen.path("updated")).isTrue();
        }
    },
    LIST_CHANGED("tools list_changed") {
        @Override
        void check(String cell, JsonNode seen) {
            assertThat(seen.path("notifications").asInt()).as("%s notifications/tools/list_changed reached the client", cell).isPositive();
            assertThat(seen.path("listedAfterNotification").asBoolean()).as("%s the added tool was listed after the notification", cell).isTrue();
        }
    },
    COMPLETION("completion/complete") {
        @Override
        void check(String cell, JsonNode seen) {
            assertThat(names(seen.path("values"))).as("%s completions of 'al'", cell).containsExactly("alice", "albert");
        }
    },
    PAGINATION("pagination") {
        @Override
        void check(String cell, JsonNode seen) {
            assertThat(seen.path("pages").asInt()).as("%s pages of 150 resources", cell).isGreaterThanOrEqualTo(2);
            assertThat(seen.path("count").asInt()).as("%s resources over all pages", cell).isEqualTo(150);
            assertThat(seen.path("distinct").asInt()).as("%s distinct resources over all pages", cell).isEqualTo(150);
            assertThat(seen.path("last").asString("")).as("%s the last resource listed", cell).endsWith("/item/149");
            String last = seen.path("last").asString("");
            assertThat(seen.path("read").asString("")).as("%s the last resource read", cell).isEqualTo("content of " + last);
        }
    },
    CONCURRENCY("8 concurrent calls") {
        @Override
        void check(String cell, JsonNode seen) {
            assertThat(seen.path("answers").size()).as("%s answers", cell).isEqualTo(8);
            assertThat(seen.path("wrong")).as("%s calls answered wrongly", cell).isEmpty();
            assertThat(seen.path("elapsedMs").asInt()).as("%s 8 calls of 300 ms at once took", cell).isLessThan(8 * 300);
        }
    };

    final String label;

    MatrixCapability(String label) {
        this.label = label;
    }

    /** The key of this capability's observations in what matrix-client.mjs prints. */
    String key() {
        return switch (this) {
            case LIST_CHANGED -> "listChanged";
            default -> name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    abstract void check(String cell, JsonNode seen);

    /**
     * Why this capability cannot work in the cell whatever the gateway does, or empty when it must. An upstream
     * that answers a POST with application/json can send nothing but the response on it; the official SDK's server
     * drops the progress a call emits on its own request rather than move it to the GET stream. (The probe sends its
     * questions and log lines on the GET stream in that mode, so those still apply.)
     */
    Optional<String> notApplicable(MatrixCell cell) {
        if (cell.upstream() == UpstreamKind.STREAMABLE_JSON && this == PROGRESS) {
            return Optional.of("a plain-JSON Streamable HTTP upstream answers each POST with the response alone; "
                    + "the SDK server drops the progress a call emits on its own request");
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return label;
    }

    private static List<String> names(JsonNode array) {
        return array.valueStream().map(n -> n.asString("")).toList();
    }
}

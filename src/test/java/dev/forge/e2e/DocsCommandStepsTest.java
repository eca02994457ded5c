package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How DocsCommandsIT reads a checked block: which output belongs to which command, and what `…` matches. */
class DocsCommandStepsTest {

    private static DocsCommandsIT.Block block(String... lines) {
        return new DocsCommandsIT.Block("X.md", 1, List.of(lines), List.of());
    }

    @Test
    void eachCommandOwnsTheOutputLinesThatFollowIt() {
        var steps = DocsCommandsIT.steps(block("ps -p 1", "curl -s x | jq .", "#> {", "#>   \"a\": 1", "#> }", "echo hi", "#> hi"));
        assertThat(steps).extracting(DocsCommandsIT.Step::expected)
                .containsExactly(List.of(), List.of("{", "  \"a\": 1", "}"), List.of("hi"));
    }

    @Test
    void continuationsLoopsCommentsAndWaitStayWithTheirCommand() {
        var steps = DocsCommandsIT.steps(block("# load", "for i in {1..2}; do", "  curl -s \\", "    x &", "done", "",
                "# Wait for completion", "wait", "#> 200", "#> 200"));
        assertThat(steps).hasSize(2);
        assertThat(steps.get(1).code()).first().isEqualTo("for i in {1..2}; do");
        assertThat(steps.get(1).expected()).containsExactly("200", "200");
    }

    @Test
    void anEllipsisMatchesAnyTextInALineAndAnyLinesOnItsOwn() {
        assertThat(DocsCommandsIT.matches(List.of("pid …, up …"), 0, List.of("pid 12, up 00:03"), 0)).isTrue();
        assertThat(DocsCommandsIT.matches(List.of("…", "b"), 0, List.of("x", "y", "b"), 0)).isTrue();
        assertThat(DocsCommandsIT.matches(List.of("…"), 0, List.of(), 0)).isTrue();
        assertThat(DocsCommandsIT.matches(List.of("a"), 0, List.of("a", "b"), 0)).isFalse();
        assertThat(DocsCommandsIT.matches(List.of("200"), 0, List.of("401"), 0)).isFalse();
    }
}

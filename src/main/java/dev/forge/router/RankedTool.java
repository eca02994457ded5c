package dev.forge.router;

import java.util.List;

/**
 * A tool the router proposes for a task: how well it scored (comparable within one query only), in which of its
 * fields the task's words were found, the cosine similarity of the task and the tool — comparable across queries,
 * NaN when the index has no vectors — and whether that similarity can be judged against the threshold the
 * evaluation chose (only for the model it was chosen with).
 */
public record RankedTool(IndexedTool tool, double score, List<String> matched, double similarity, boolean calibrated) {

    public RankedTool {
        matched = List.copyOf(matched);
    }

    public RankedTool(IndexedTool tool, double score, List<String> matched) {
        this(tool, score, matched, Double.NaN, false);
    }

    public RankedTool withScore(double newScore) {
        return new RankedTool(tool, newScore, matched, similarity, calibrated);
    }

    /** Adds the cosine similarity and the good-match verdict to a tool's JSON description, when they are known. */
    public void describeMatch(tools.jackson.databind.node.ObjectNode json) {
        if (!Double.isNaN(similarity)) {
            json.put("similarity", Math.round(similarity * 1000) / 1000.0);
            if (judged()) {
                json.put("good_match", !poorMatch());
            }
        }
    }

    /** True if this proposal's similarity can be judged: it is known, and the threshold was chosen for its model. */
    public boolean judged() {
        return calibrated && !Double.isNaN(similarity);
    }

    /** True if the task and the tool are known to be too far apart in meaning for the tool to be what it asks for. */
    public boolean poorMatch() {
        return judged() && similarity < ToolRouter.GOOD_MATCH_FROM;
    }
}

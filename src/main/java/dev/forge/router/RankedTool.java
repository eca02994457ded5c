package dev.forge.router;

import java.util.List;

/**
 * A tool the router proposes for a task: how well it scored (comparable within one query only), in which of its
 * fields the task's words were found, and the cosine similarity of the task and the tool — comparable across queries,
 * NaN when the index has no vectors.
 */
public record RankedTool(IndexedTool tool, double score, List<String> matched, double similarity) {

    public RankedTool {
        matched = List.copyOf(matched);
    }

    public RankedTool(IndexedTool tool, double score, List<String> matched) {
        this(tool, score, matched, Double.NaN);
    }

    public RankedTool withScore(double newScore) {
        return new RankedTool(tool, newScore, matched, similarity);
    }

    /** Adds the cosine similarity and the good-match verdict to a tool's JSON description, when they are known. */
    public void describeMatch(tools.jackson.databind.node.ObjectNode json) {
        if (!Double.isNaN(similarity)) {
            json.put("similarity", Math.round(similarity * 1000) / 1000.0);
            json.put("good_match", !poorMatch());
        }
    }

    /** True if the task and the tool are known to be too far apart in meaning for the tool to be what it asks for. */
    public boolean poorMatch() {
        return similarity < ToolRouter.GOOD_MATCH_FROM; // false for NaN: without vectors nothing is judged
    }
}

package dev.forge.router;

import java.util.List;

/** A tool the router proposes for a task: how well it scored and in which of its fields the task's words were found. */
public record RankedTool(IndexedTool tool, double score, List<String> matched) {

    public RankedTool {
        matched = List.copyOf(matched);
    }

    public RankedTool withScore(double newScore) {
        return new RankedTool(tool, newScore, matched);
    }
}
